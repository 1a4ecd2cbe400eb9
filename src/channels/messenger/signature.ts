import { constantTimeEqual } from "../../lib/crypto";

const encoder = new TextEncoder();

/**
 * S24: does `header` (`X-Hub-Signature-256: sha256=<hex>`) carry the HMAC-SHA256 of exactly these raw
 * bytes under the app secret? Compared in constant time. Any re-encoding of the body (parsing and
 * re-serialising JSON, CRLF → LF) changes the bytes and fails, as it must.
 *
 * @example
 * await verifySignature("secret", rawBody, request.headers.get("x-hub-signature-256")) // true | false
 */
export async function verifySignature(
  appSecret: string,
  rawBody: ArrayBuffer | Uint8Array,
  header: string | null,
): Promise<boolean> {
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(header?.trim() ?? "");
  if (!match || !appSecret) return false;
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(appSecret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const expected = new Uint8Array(await crypto.subtle.sign("HMAC", key, rawBody as ArrayBuffer));
  const given = Uint8Array.from(match[1]!.match(/../g)!, (h) => parseInt(h, 16));
  return constantTimeEqual(expected, given);
}
