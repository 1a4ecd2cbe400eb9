import { sign, verify } from "hono/jwt";
import { conversationIdFromKey } from "../../conversation/stub";
import { base64url, hex, hmacSha256 } from "../../lib/crypto";
import { now } from "../../lib/clock";

/**
 * Visitor identity (S14). The server issues each device a random 128-bit id with a MAC over it,
 * `<random>.<mac>`, which the widget keeps in local storage. Only ids we issued are accepted, so
 * nobody can pick a short or guessable id, and the conversation id is derived from the random part
 * with a secret, so knowing a conversation id does not give its device id either.
 */
export interface Device {
  deviceId: string;
  conversationId: string;
  /** Stored in the D1 index: which device a chat conversation belongs to. */
  visitorKey: string;
}

const DEVICE_ID = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{22})$/;
export const TOKEN_TTL_SECONDS = 2 * 60 * 60;

export async function newDevice(secret: string): Promise<Device> {
  const random = base64url(crypto.getRandomValues(new Uint8Array(16)));
  return derive(secret, random);
}

/** The device behind an id we issued, or null for anything else (forged, truncated, another secret). */
export async function openDevice(secret: string, deviceId: string): Promise<Device | null> {
  const match = DEVICE_ID.exec(deviceId);
  if (!match) return null;
  const device = await derive(secret, match[1]!);
  return device.deviceId === deviceId ? device : null;
}

async function derive(secret: string, random: string): Promise<Device> {
  const mac = base64url((await hmacSha256(secret, `device:${random}`)).slice(0, 16));
  const visitorKey = hex(await hmacSha256(secret, `visitor:${random}`));
  return { deviceId: `${random}.${mac}`, conversationId: conversationIdFromKey(visitorKey), visitorKey };
}

/**
 * The one conversation of a user the host site vouched for (signed identify): the same on every
 * device, and unrelated to any device's own conversation.
 */
export async function userConversation(
  secret: string,
  userId: string,
): Promise<{ conversationId: string; visitorKey: string }> {
  const visitorKey = hex(await hmacSha256(secret, `user:${userId}`));
  return { conversationId: conversationIdFromKey(visitorKey), visitorKey };
}

export interface VisitorToken {
  token: string;
  expiresAt: number;
}

/** A signed, expiring token that lets its holder reach one conversation's chat, and nothing else. */
export async function issueVisitorToken(secret: string, conversationId: string): Promise<VisitorToken> {
  const exp = Math.floor(now() / 1000) + TOKEN_TTL_SECONDS;
  const token = await sign({ sub: conversationId, scope: "visitor", exp }, secret, "HS256");
  return { token, expiresAt: exp * 1000 };
}

export async function verifyVisitorToken(
  secret: string,
  token: string,
): Promise<{ ok: true; conversationId: string } | { ok: false; reason: "expired" | "invalid" }> {
  try {
    const payload = await verify(token, secret, { alg: "HS256", exp: false });
    if (payload.scope !== "visitor" || typeof payload.sub !== "string") return { ok: false, reason: "invalid" };
    if (typeof payload.exp !== "number" || payload.exp * 1000 <= now()) return { ok: false, reason: "expired" };
    return { ok: true, conversationId: payload.sub };
  } catch {
    return { ok: false, reason: "invalid" };
  }
}
