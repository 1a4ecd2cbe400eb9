import { createHmac } from "node:crypto";
import { request } from "node:http";
import { TestSocket } from "../support/test-socket";
import type { Message } from "../../src/protocol";
import { inject } from "vitest";
import { baseUrl, http, signIn } from "./http";

export const SHOP = "https://shop.example";
const wsBase = baseUrl.replace(/^http/, "ws");

/** The demo admin's session, signed in once by the global setup. */
export async function admin(): Promise<string> {
  return inject("adminCookie");
}

let n = 0;
/** A new agent, created by the demo admin through the API, and signed in. */
export async function newAgent(role: "agent" | "admin" = "agent"): Promise<{ id: string; name: string; email: string; password: string; cookie: string }> {
  const email = `e2e-${Date.now()}-${++n}@example.com`;
  const name = `E2E Agent ${n}`;
  const res = await http("/api/agents", { method: "POST", cookie: await admin(), json: { email, name, role, password: "e2e-password-123" } });
  if (res.status !== 201) throw new Error(`create agent: ${res.status} ${await res.text()}`);
  const { agent } = (await res.json()) as { agent: { id: string } };
  return { id: agent.id, name, email, password: "e2e-password-123", cookie: await signIn(email, "e2e-password-123") };
}

export function clientId(): string {
  return `e2e-${Date.now()}-${++n}`;
}

export interface Visitor {
  deviceId: string;
  conversationId: string;
  token: string;
}

export async function startVisitor(deviceId?: string): Promise<Visitor> {
  const res = await http("/api/widget/session", { method: "POST", json: deviceId ? { deviceId } : {}, headers: { origin: SHOP } });
  if (res.status !== 200) throw new Error(`session: ${res.status} ${await res.text()}`);
  return (await res.json()) as Visitor;
}

export async function visitorSays(v: Visitor, text: string, id = clientId()) {
  const res = await http("/api/widget/messages", {
    method: "POST",
    json: { clientId: id, text },
    headers: { origin: SHOP, authorization: `Bearer ${v.token}` },
  });
  return { status: res.status, ...((await res.json()) as { message: Message; duplicate: boolean }) };
}

/** An agent's chat reply, through the same door the inbox uses. */
export async function agentSays(cookie: string, conversationId: string, text: string, id = clientId()) {
  const res = await http(`/api/conversations/${conversationId}/messages`, { method: "POST", json: { clientId: id, channel: "chat", text }, cookie });
  return { status: res.status, ...((await res.json()) as { message: Message; duplicate: boolean }) };
}

/** Opens a real WebSocket to the server (optionally through another host:port, e.g. a proxy). */
export async function connect(path: string, opts: { cookie?: string; origin?: string; via?: string } = {}): Promise<TestSocket> {
  const headers: Record<string, string> = { origin: opts.origin ?? baseUrl };
  if (opts.cookie) headers.cookie = opts.cookie;
  const url = opts.via ? `ws://${opts.via}${path}` : `${wsBase}${path}`;
  const ws = new WebSocket(url, { headers } as unknown as string[]);
  const socket = new TestSocket(ws);
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener("open", () => resolve());
    ws.addEventListener("error", () => reject(new Error(`socket ${path} failed to open`)));
  });
  await socket.waitFor(() => socket.frames.length > 0, "first frame", 5000);
  return socket;
}

/** A visitor's socket that pings like the widget does (every 300 ms here, well inside the stale limit). */
export const visitorSocket = async (v: Visitor, after = 0, via?: string) =>
  (await connect(`/api/widget/socket?token=${encodeURIComponent(v.token)}&after=${after}`, { origin: SHOP, via })).keepAlive(300);

/** The HTTP status of a WebSocket upgrade attempt (101 when accepted). */
export function upgradeStatus(path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${baseUrl}${path}`, {
      headers: { ...headers, connection: "Upgrade", upgrade: "websocket", "sec-websocket-version": "13", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==" },
    });
    req.on("response", (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on("upgrade", (_res, socket) => {
      socket.destroy();
      resolve(101);
    });
    req.on("error", reject);
    req.end();
  });
}
export const agentSocket = (cookie: string, conversationId: string, after = 0) =>
  connect(`/api/conversations/${conversationId}/socket?after=${after}`, { cookie });
export const feedSocket = (cookie: string) => connect("/api/inbox/socket", { cookie });

/** Marks every unread conversation Read, so a test can watch the unread state change from zero. */
export async function readEverything(cookie: string): Promise<void> {
  for (;;) {
    const res = await http("/api/conversations?unread=true&limit=100", { cookie });
    const { conversations } = (await res.json()) as { conversations: { id: string }[] };
    if (conversations.length === 0) return;
    for (const c of conversations) await http(`/api/conversations/${c.id}/open`, { method: "POST", cookie });
    await new Promise((r) => setTimeout(r, 100)); // the index follows each conversation object
  }
}

/** Posts a Messenger webhook signed the way Meta signs it (X-Hub-Signature-256 over the exact bytes). */
export function messengerWebhook(body: string): Promise<Response> {
  const signature = `sha256=${createHmac("sha256", inject("messengerAppSecret")).update(body).digest("hex")}`;
  return fetch(`${baseUrl}/webhooks/messenger`, { method: "POST", headers: { "content-type": "application/json", "x-hub-signature-256": signature }, body });
}

/** A person writing to the Page now: returns their page-scoped id once the webhook was accepted. */
export async function messengerPersonSays(text: string, psid = `person-${Date.now()}-${++n}`): Promise<string> {
  const at = Date.now();
  const body = JSON.stringify({
    object: "page",
    entry: [{ id: "PAGE", time: at, messaging: [{ sender: { id: psid }, recipient: { id: "PAGE" }, timestamp: at, message: { mid: `mid.${psid}.${at}`, text } }] }],
  });
  const res = await messengerWebhook(body);
  if (res.status !== 200) throw new Error(`webhook: ${res.status} ${await res.text()}`);
  return psid;
}
