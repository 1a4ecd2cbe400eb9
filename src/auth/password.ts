/**
 * Password hashing: PBKDF2-HMAC-SHA256 through WebCrypto, 100,000 iterations, 16-byte salt.
 *
 * Why 100,000: Workers' WebCrypto refuses more PBKDF2 iterations in production (and `wrangler dev`
 * does not enforce that cap, so a higher count passes locally and breaks sign-in after deploy).
 * OWASP asks 600,000 for PBKDF2-SHA256; we make up for the gap with per-account and per-client
 * sign-in rate limits and hashes that record their own parameters, so a later, stronger scheme can
 * rehash on the next sign-in (`needsRehash`).
 *
 * This module imports nothing of ours on purpose: `scripts/create-agent.mjs` runs it under Node (which
 * strips the types but resolves no extensionless relative imports) to create the first admin, so the
 * worker and the script cannot drift apart.
 *
 * @example
 * const stored = await hashPassword("correct horse battery staple");
 * // "pbkdf2-sha256$100000$<salt>$<hash>"
 * await verifyPassword("correct horse battery staple", stored); // true
 */

import { z } from "zod";

/** Every new password: the API's rule (the script that creates the first admin applies the same). */
export const passwordSchema = z.string().min(10, "Use at least 10 characters").max(200, "Use at most 200 characters");

export const PBKDF2_ITERATIONS = 100_000;
const SALT_BYTES = 16;
const KEY_BITS = 256;
const SCHEME = "pbkdf2-sha256";

export async function hashPassword(password: string, iterations = PBKDF2_ITERATIONS): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const key = await derive(password, salt, iterations);
  return [SCHEME, iterations, toBase64(salt), toBase64(key)].join("$");
}

/** False for a wrong password and for a stored value that is not one of our hashes. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.iterations);
  return constantTimeEqual(key, parsed.key);
}

export function needsRehash(stored: string): boolean {
  return parse(stored)?.iterations !== PBKDF2_ITERATIONS;
}

/** A hash of a random password: verifying against it costs the same as against a real one. */
export const UNUSABLE_HASH = `${SCHEME}$${PBKDF2_ITERATIONS}$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=`;

function parse(stored: string): { iterations: number; salt: Uint8Array<ArrayBuffer>; key: Uint8Array } | null {
  const [scheme, iterations, salt, key] = stored.split("$");
  const count = Number(iterations);
  if (scheme !== SCHEME || !Number.isInteger(count) || count < 1 || count > PBKDF2_ITERATIONS || !salt || !key) {
    return null;
  }
  try {
    return { iterations: count, salt: fromBase64(salt), key: fromBase64(key) };
  } catch {
    return null;
  }
}

async function derive(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<Uint8Array> {
  const material = await crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, [
    "deriveBits",
  ]);
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations },
    material,
    KEY_BITS,
  );
  return new Uint8Array(bits);
}

function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

function toBase64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}
