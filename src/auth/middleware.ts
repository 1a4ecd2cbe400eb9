import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { agentView } from "./agent-view";
import { database } from "../db/client";
import { ApiError } from "../lib/errors";
import { isOwnOrigin } from "../lib/origin";
import { presentedSessionKey, resolveSession } from "./sessions";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * CSRF protection for cookie-authenticated routes: a state-changing request must come from a page of
 * this origin (`Sec-Fetch-Site: same-origin`, or an `Origin` equal to ours). Unlike `hono/csrf`, this
 * also covers JSON bodies and bodiless POSTs rather than relying on CORS preflights to stop them,
 * and a request that proves nothing (no Origin, no Sec-Fetch-Site) is refused.
 */
export const sameOriginOnly = createMiddleware<AppEnv>(async (c, next) => {
  if (!SAFE_METHODS.has(c.req.method)) {
    const site = c.req.header("sec-fetch-site");
    const origin = c.req.header("origin");
    const sameOrigin = site ? site === "same-origin" && (!origin || isOwnOrigin(c, origin)) : isOwnOrigin(c, origin);
    if (!sameOrigin) {
      throw new ApiError(403, "cross_origin_refused", "State-changing requests must come from this site's own pages");
    }
  }
  await next();
});

/** Requires a valid session; puts the agent and session key on the context. */
export const requireAgent = createMiddleware<AppEnv>(async (c, next) => {
  const key = await presentedSessionKey(c);
  const resolved = key ? await resolveSession(c.env, database(c.env.DB), key) : null;
  if (!key || !resolved) throw new ApiError(401, "unauthenticated", "Sign in first");
  c.set("agent", agentView(resolved.agent));
  c.set("session", { key, expiresAt: resolved.expiresAt });
  await next();
});

/** After `requireAgent`: only admins pass. */
export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  if (c.get("agent").role !== "admin") throw new ApiError(403, "admin_only", "Only admins may do this");
  await next();
});
