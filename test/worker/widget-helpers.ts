import { env } from "cloudflare:workers";
import { identityPayload } from "../../src/channels/chat/identity";
import type { WidgetSession } from "../../src/channels/chat/routes";
import { hex, hmacSha256 } from "../../src/lib/crypto";
import { call, type CallOptions } from "./helpers";

export const SHOP = "https://shop.example";

/** A request to the widget API as the widget on an allowed site makes it. */
export function widget(path: string, opts: CallOptions & { token?: string } = {}): Promise<Response> {
  const headers = { ...opts.headers, ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}) };
  return call(`/api/widget${path}`, { origin: SHOP, ...opts, headers });
}

export async function session(body: Record<string, unknown> = {}, opts: CallOptions = {}): Promise<WidgetSession> {
  const res = await widget("/session", { body, ...opts });
  if (res.status !== 200) throw new Error(`session: ${res.status} ${await res.text()}`);
  return (await res.json()) as WidgetSession;
}

/** What the host site's backend does: HMAC-SHA256 of the identity with the workspace's secret. */
export async function signedIdentity(identity: { userId: string; email?: string; name?: string }, secret = env.WIDGET_IDENTITY_SECRET!) {
  return { ...identity, signature: hex(await hmacSha256(secret, identityPayload(identity))) };
}

let ip = 0;
/** A client address no other test uses, for the per-client rate limit. */
export function freshClient(): string {
  return `192.0.2.${++ip}-${crypto.randomUUID().slice(0, 8)}`;
}
