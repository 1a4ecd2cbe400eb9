import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppEnv } from "../app-env";
import { ApiError, errorResponse } from "../lib/errors";
import { sameOriginOnly } from "./middleware";

/** Largest JSON body the API accepts. Raw mail and attachments never come through here. */
export const MAX_BODY_BYTES = 128 * 1024;

export const jsonBodyLimit = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: (c) =>
    errorResponse(c, new ApiError(413, "body_too_large", `Request bodies are limited to ${MAX_BODY_BYTES} bytes`)),
});

/**
 * A router for the agents' API (cookie sessions): state changes must be same-origin, bodies are
 * limited. Each resource starts from one, so these rules apply by path and never leak onto the
 * widget's cross-origin routes.
 */
export function agentRouter() {
  return new Hono<AppEnv>().use(sameOriginOnly).use(jsonBodyLimit);
}
