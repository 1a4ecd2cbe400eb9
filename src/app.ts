import { Hono } from "hono";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "./app-env";
import { agentRoutes } from "./agents/routes";
import { authRoutes } from "./auth/routes";
import { isWidgetAsset, serveWidgetAsset } from "./channels/chat/assets";
import { widgetRoutes } from "./channels/chat/routes";
import { mailRoutes } from "./channels/email/routes";
import { messengerRoutes } from "./channels/messenger/routes";
import { contactRoutes } from "./contacts/routes";
import { labelRoutes } from "./labels/routes";
import { notificationRoutes } from "./notifications/routes";
import { conversationRoutes } from "./conversation/routes";
import { inboxRoutes } from "./inbox/routes";
import { savedResponseRoutes } from "./saved-responses/routes";
import { searchRoutes } from "./search/routes";
import { ApiError, errorResponse, handleError } from "./lib/errors";

export { MAX_BODY_BYTES } from "./auth/agent-router";

// The API's own responses. The inbox app's pages are static files with their headers (and strict
// CSP) in public/_headers: the worker does not run for them at all.
const appHeaders = secureHeaders({ referrerPolicy: "strict-origin-when-cross-origin" });

export const app = new Hono<AppEnv>();
app.onError(handleError);
// A 101 response's headers belong to the socket handshake: leave them alone. The widget's files are
// loaded by other sites and set their own headers (src/channels/chat/assets.ts).
app.use((c, next) =>
  c.req.header("upgrade")?.toLowerCase() === "websocket" || isWidgetAsset(c.req.path) ? next() : appHeaders(c, next),
);

const api = app
  .route("/api/auth", authRoutes)
  .route("/api/agents", agentRoutes)
  .route("/api/conversations", conversationRoutes)
  .route("/api/contacts", contactRoutes)
  .route("/api/labels", labelRoutes)
  .route("/api/notifications", notificationRoutes)
  .route("/api/inbox", inboxRoutes)
  .route("/api/widget", widgetRoutes)
  .route("/api/mail", mailRoutes)
  .route("/api/saved-responses", savedResponseRoutes)
  .route("/api/search", searchRoutes)
  .route("/webhooks/messenger", messengerRoutes);

app.on(["GET", "HEAD"], ["/widget.js", "/build/widget/*"], serveWidgetAsset);
app.all("/api/*", (c) =>
  errorResponse(c, new ApiError(404, "not_found", `No API route ${c.req.method} ${c.req.path}`)),
);

/** The API's type, for Hono's typed client in the inbox app. */
export type Api = typeof api;
