import { eq } from "drizzle-orm";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { AppEnv } from "../app-env";
import type { Database } from "../db/client";
import { type Agent, agents, sessions } from "../db/schema";
import type { Env } from "../env";
import { now } from "../lib/clock";
import { randomToken, sha256Hex } from "../lib/crypto";
import type { SessionsEnding } from "../lib/socket-frames";
import { workspaceFeed } from "../lib/workspace";

/** `__Host-session`: Secure, Path=/, no Domain — the browser refuses it from anywhere else. */
const COOKIE = "session";
/** `last_seen_at` is refreshed at most this often, so that reading the inbox does not write to D1 on every call. */
const TOUCH_INTERVAL_MS = 5 * 60_000;

export interface SessionLimits {
  idleMs: number;
  maxAgeMs: number;
}

export function sessionLimits(env: Env): SessionLimits {
  return {
    idleMs: Number(env.SESSION_IDLE_MINUTES) * 60_000,
    maxAgeMs: Number(env.SESSION_MAX_DAYS) * 86_400_000,
  };
}

/** Starts a session for the agent and sets its cookie; returns its stored key. The token itself is stored only as a hash. */
export async function startSession(c: Context<AppEnv>, db: Database, agentId: string): Promise<string> {
  const token = randomToken();
  const at = now();
  const { maxAgeMs } = sessionLimits(c.env);
  const key = await sha256Hex(token);
  await db.insert(sessions).values({
    tokenHash: key,
    agentId,
    createdAt: at,
    lastSeenAt: at,
    expiresAt: at + maxAgeMs,
  });
  setCookie(c, COOKIE, token, {
    prefix: "host",
    httpOnly: true,
    secure: true,
    sameSite: "Lax",
    path: "/",
    maxAge: Math.floor(maxAgeMs / 1000),
  });
  return key;
}

/** The stored key of the session the request's cookie names, whether or not it is still valid. */
export async function presentedSessionKey(c: Context<AppEnv>): Promise<string | null> {
  const token = getCookie(c, COOKIE, "host");
  return token ? sha256Hex(token) : null;
}

/**
 * The signed-in agent for a session key (and when the session ends at the latest), or null when the
 * session is unknown, past its idle or absolute limit, or its agent was deactivated. Dead sessions
 * are removed on sight.
 */
export async function resolveSession(
  env: Env,
  db: Database,
  key: string,
): Promise<{ agent: Agent; expiresAt: number } | null> {
  const [row] = await db
    .select({ session: sessions, agent: agents })
    .from(sessions)
    .innerJoin(agents, eq(agents.id, sessions.agentId))
    .where(eq(sessions.tokenHash, key));
  if (!row) return null;

  const at = now();
  const { idleMs } = sessionLimits(env);
  const expired = at >= row.session.expiresAt || at - row.session.lastSeenAt >= idleMs;
  if (expired || !row.agent.active) {
    await endSession(db, key);
    return null;
  }
  if (at - row.session.lastSeenAt >= TOUCH_INTERVAL_MS) {
    await db.update(sessions).set({ lastSeenAt: at }).where(eq(sessions.tokenHash, key));
  }
  return { agent: row.agent, expiresAt: row.session.expiresAt };
}

export async function endSession(db: Database, key: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.tokenHash, key));
}

/**
 * S9: sessions that ended in D1 (or are about to) lose every socket they opened, feed and
 * conversations, at once. Call it after the D1 change, so a socket cannot be reopened in between.
 */
export async function closeSessionSockets(env: Env, ending: SessionsEnding): Promise<void> {
  await workspaceFeed(env).endSessions(ending);
}

export function clearSessionCookie(c: Context<AppEnv>): void {
  deleteCookie(c, COOKIE, { prefix: "host", path: "/", secure: true, httpOnly: true, sameSite: "Lax" });
}
