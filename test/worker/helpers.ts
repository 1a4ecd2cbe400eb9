import { env, exports } from "cloudflare:workers";
import { afterEach } from "vitest";
import { resetClock } from "../../src/lib/clock";
import { hashPassword } from "../../src/auth/password";
import { identityPayload } from "../../src/channels/chat/identity";
import type { AgentRole } from "../../src/db/schema";
import { hex, hmacSha256 } from "../../src/lib/crypto";
import { testClient } from "../support/client";
import { TestSocket } from "../support/test-socket";

export {
  clientId,
  errorOf,
  freshClient,
  sessionCookie,
  type CallOptions,
  type VisitorSession,
} from "../support/client";
export type { TestSocket };

export const ORIGIN = "https://inbox.example.com";

/**
 * The test client inside workerd: every request goes through the worker's real entry point, sockets
 * too (an upgrade request whose answer carries the socket). Every test file gets its own client
 * address, so the per-client sign-in limit is not shared.
 */
export const api = testClient(
  {
    fetch: (request) => exports.default.fetch(request),
    async socket(url, headers) {
      const res = await exports.default.fetch(
        new Request(url.replace(/^ws/, "http"), { headers: { ...headers, upgrade: "websocket" } }),
      );
      if (!res.webSocket) return res.status;
      res.webSocket.accept();
      return new TestSocket(res.webSocket);
    },
  },
  { baseUrl: ORIGIN },
);
export const SHOP = api.site;
export const {
  call,
  widget,
  signIn,
  session,
  startVisitor,
  visitorSays,
  agentSays,
  connect,
  upgradeStatus,
  visitorSocket,
  agentSocket,
  feedSocket,
} = api;

let counter = 0;
/** A fresh agent, inserted straight into D1. */
export async function seedAgent(role: AgentRole = "agent", password = "a-good-long-password") {
  const email = `${role}-${Date.now()}-${++counter}@example.com`;
  const id = crypto.randomUUID();
  await env.DB.prepare(
    "INSERT INTO agents (id, email, name, role, password_hash, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?)",
  )
    .bind(id, email, `Test ${role} ${counter}`, role, await hashPassword(password), Date.now(), Date.now())
    .run();
  return { id, email, password, role };
}

export async function signedInAgent(role: AgentRole = "agent") {
  const agent = await seedAgent(role);
  return { ...agent, cookie: await signIn(agent.email, agent.password) };
}

export function room(id: string) {
  return env.CONVERSATIONS.getByName(id);
}

/** The D1 index row, once the conversation object's outbox has written it. */
export async function indexRow(id: string, minVersion = 1, tries = 50) {
  for (let i = 0; i < tries; i++) {
    const row = await env.DB.prepare("SELECT * FROM conversations WHERE id = ?")
      .bind(id)
      .first<Record<string, unknown>>();
    if (row && (row.version as number) >= minVersion) return row;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`index row ${id} never reached version ${minVersion}`);
}

/** What the host site's backend does: HMAC-SHA256 of the identity with the workspace's secret. */
export async function signedIdentity(
  identity: { userId: string; email?: string; name?: string },
  secret = env.WIDGET_IDENTITY_SECRET!,
) {
  return { ...identity, signature: hex(await hmacSha256(secret, identityPayload(identity))) };
}

/** The sockets a test opens (push them here): closed after each test, and the fake clock reset. */
export function socketsOfEachTest(): TestSocket[] {
  const open: TestSocket[] = [];
  afterEach(() => {
    for (const s of open.splice(0)) s.close();
    resetClock();
  });
  return open;
}
