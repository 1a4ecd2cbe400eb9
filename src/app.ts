import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "./app-env";
import { agentRoutes } from "./agents/routes";
import { sameOriginOnly } from "./auth/middleware";
import { authRoutes } from "./auth/routes";
import { ApiError, errorResponse, handleError } from "./lib/errors";

/** Largest JSON body the API accepts. Raw mail and attachments never come through here. */
export const MAX_BODY_BYTES = 128 * 1024;

const appHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", "data:"],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
  referrerPolicy: "strict-origin-when-cross-origin",
});

/** The agents' API: cookie sessions, so every state change must be same-origin. */
const agentApi = new Hono<AppEnv>()
  .use(sameOriginOnly)
  .use(
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) =>
        errorResponse(c, new ApiError(413, "body_too_large", `Request bodies are limited to ${MAX_BODY_BYTES} bytes`)),
    }),
  )
  .route("/auth", authRoutes)
  .route("/agents", agentRoutes);

export const app = new Hono<AppEnv>();
app.onError(handleError);
app.use(appHeaders);
app.route("/api", agentApi);
app.all("/api/*", (c) => errorResponse(c, new ApiError(404, "not_found", `No API route ${c.req.method} ${c.req.path}`)));
// Everything else is the inbox app (static files, with index.html for its client-side routes).
app.all("*", async (c) => {
  // Asset responses have immutable headers; copy so secureHeaders can add its own.
  const asset = await c.env.ASSETS.fetch(c.req.raw);
  return new Response(asset.body, asset);
});

export type AgentApi = typeof agentApi;
