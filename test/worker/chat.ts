import type { Message } from "../../src/protocol";
import { TestSocket } from "../support/test-socket";

export { TestSocket };
import { env, exports } from "cloudflare:workers";
import { call, ORIGIN } from "./helpers";

export interface VisitorSession {
  deviceId: string;
  conversationId: string;
  token: string;
  expiresAt: number;
}

export async function startVisitor(deviceId?: string): Promise<VisitorSession> {
  const res = await call("/api/widget/session", { body: deviceId ? { deviceId } : {}, origin: "https://shop.example" });
  if (res.status !== 200) throw new Error(`session failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as VisitorSession;
}

let n = 0;
export function clientId(): string {
  return `cid-${Date.now()}-${++n}`;
}

export async function visitorSays(v: VisitorSession, text: string, id = clientId()) {
  const res = await call("/api/widget/messages", {
    body: { clientId: id, text },
    headers: { authorization: `Bearer ${v.token}` },
    origin: "https://shop.example",
  });
  return { res, body: (await res.json()) as { message: Message; duplicate: boolean } };
}

export async function agentSays(cookie: string, conversationId: string, text: string, id = clientId()) {
  const res = await call(`/api/conversations/${conversationId}/messages`, { cookie, body: { clientId: id, channel: "chat", text } });
  return { res, body: (await res.json()) as { message: Message; duplicate: boolean } };
}

export function room(id: string) {
  return env.CONVERSATIONS.getByName(id);
}

/** The D1 index row, once the conversation object's outbox has written it. */
export async function indexRow(id: string, minVersion = 1, tries = 50) {
  for (let i = 0; i < tries; i++) {
    const row = await env.DB.prepare("SELECT * FROM conversations WHERE id = ?").bind(id).first<Record<string, unknown>>();
    if (row && (row.version as number) >= minVersion) return row;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`index row ${id} never reached version ${minVersion}`);
}

export async function openSocket(path: string, opts: { cookie?: string; origin?: string | null } = {}) {
  const headers = new Headers({ upgrade: "websocket" });
  if (opts.origin !== null) headers.set("origin", opts.origin ?? ORIGIN);
  if (opts.cookie) headers.set("cookie", opts.cookie);
  const res = await exports.default.fetch(new Request(`${ORIGIN}${path}`, { headers }));
  res.webSocket?.accept();
  return { res, socket: res.webSocket ? new TestSocket(res.webSocket) : null };
}

export async function connect(path: string, opts: { cookie?: string; origin?: string | null } = {}) {
  const { res, socket } = await openSocket(path, opts);
  if (!socket) throw new Error(`no socket: ${res.status} ${await res.text()}`);
  await socket.waitFor(() => socket.frames.length > 0, "first frame");
  return socket;
}
