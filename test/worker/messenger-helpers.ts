import { hex } from "../../src/lib/crypto";
import { now } from "../../src/lib/clock";
import { call } from "./helpers";

const SECRET = "test-messenger-app-secret";
const encoder = new TextEncoder();

/** What Meta sends: `X-Hub-Signature-256` over the raw body with the app secret. */
export async function sign(body: Uint8Array): Promise<string> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(SECRET), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  return `sha256=${hex(new Uint8Array(await crypto.subtle.sign("HMAC", key, body as Uint8Array<ArrayBuffer>)))}`;
}

/** A signed (or, with `signature`, mis-signed / unsigned) POST to the Messenger webhook. */
export async function webhook(body: Uint8Array | object, signature?: string | null) {
  const bytes = body instanceof Uint8Array ? body : encoder.encode(JSON.stringify(body));
  const headers: Record<string, string> = { "content-type": "application/json" };
  const sig = signature === undefined ? await sign(bytes) : signature;
  if (sig) headers["x-hub-signature-256"] = sig;
  return call("/webhooks/messenger", { method: "POST", raw: bytes as Uint8Array<ArrayBuffer>, headers, origin: null });
}

/** A webhook body carrying one text message from `psid` to the Page. */
export const messengerText = (psid: string, mid: string, body: string, at = now()) => ({
  object: "page",
  entry: [
    {
      id: "PAGE",
      time: at,
      messaging: [{ sender: { id: psid }, recipient: { id: "PAGE" }, timestamp: at, message: { mid, text: body } }],
    },
  ],
});
