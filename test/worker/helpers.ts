import { env, exports } from "cloudflare:workers";
import { hashPassword } from "../../src/auth/password";
import type { AgentRole } from "../../src/db/schema";

export const ORIGIN = "https://inbox.example.com";

export interface CallOptions {
  method?: string;
  body?: unknown;
  /** Raw body, sent as is (malformed input, signed bytes). */
  raw?: string | Uint8Array<ArrayBuffer>;
  cookie?: string | null;
  /** Defaults to our own origin; `null` sends no Origin header. */
  origin?: string | null;
  headers?: Record<string, string>;
  client?: string;
}

/** One request through the worker's real entry point. */
export function call(path: string, opts: CallOptions = {}): Promise<Response> {
  const headers = new Headers(opts.headers);
  if (opts.origin !== null) headers.set("origin", opts.origin ?? ORIGIN);
  if (opts.cookie) headers.set("cookie", opts.cookie);
  // Every test file gets its own client address so the per-client sign-in limit is not shared.
  headers.set("cf-connecting-ip", opts.client ?? CLIENT_IP);
  let body: string | Uint8Array<ArrayBuffer> | undefined = opts.raw;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers.set("content-type", "application/json");
  }
  return exports.default.fetch(
    new Request(`${ORIGIN}${path}`, { method: opts.method ?? (body ? "POST" : "GET"), headers, body }),
  );
}

const CLIENT_IP = `10.${rand255()}.${rand255()}.${rand255()}`;
function rand255() {
  return Math.floor(Math.random() * 255);
}

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

/** Signs in and returns the `name=value` cookie pair to send back. */
export async function signIn(email: string, password: string): Promise<string> {
  const res = await call("/api/auth/sign-in", { body: { email, password } });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  return sessionCookie(res)!;
}

export function sessionCookie(res: Response): string | null {
  const header = res.headers.get("set-cookie");
  const match = header?.match(/(__Host-session=[^;]*)/);
  return match ? match[1]! : null;
}

export async function signedInAgent(role: AgentRole = "agent") {
  const agent = await seedAgent(role);
  return { ...agent, cookie: await signIn(agent.email, agent.password) };
}

export async function errorOf(res: Response): Promise<{ code: string; message: string; fields?: Record<string, string> }> {
  const body = (await res.json()) as { error: { code: string; message: string; fields?: Record<string, string> } };
  return body.error;
}
