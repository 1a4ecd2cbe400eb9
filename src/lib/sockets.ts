import type { Context } from "hono";
import { ApiError } from "./errors";

/**
 * WebSocket upgrades are not covered by CORS: a page on any site can open a socket to us, with
 * the agent's cookies. So every upgrade checks its Origin itself.
 */
export function requireUpgrade(c: Context, allowed: (origin: string) => boolean): void {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
    throw new ApiError(426, "upgrade_required", "This path only accepts WebSocket upgrades");
  }
  const origin = c.req.header("origin");
  if (!origin || !allowed(origin))
    throw new ApiError(403, "origin_refused", "Sockets from this origin are not allowed");
}

/**
 * Hands an authenticated upgrade to a Durable Object. The object gets a fresh internal request, so
 * nothing the client sent (headers, query) can claim an identity; the worker states who it is.
 */
export function forwardUpgrade(
  stub: { fetch(input: string, init?: RequestInit): Promise<Response> },
  params: Record<string, string>,
) {
  const url = new URL("https://do.internal/socket");
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return stub.fetch(url.toString(), { headers: { upgrade: "websocket" } });
}
