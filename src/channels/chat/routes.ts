import { Hono, type Context } from "hono";
import { cors } from "hono/cors";
import { z } from "zod";
import type { AppEnv } from "../../app-env";
import { jsonBodyLimit } from "../../auth/agent-router";
import type { SocketIdentity } from "../../conversation/sockets";
import { roomStub } from "../../conversation/routes";
import { ApiError } from "../../lib/errors";
import { forwardUpgrade, requireUpgrade, widgetOriginAllowed } from "../../lib/sockets";
import { validate } from "../../lib/validate";
import { clientIdSchema, messageTextSchema } from "../../protocol";
import { issueVisitorToken, newDevice, openDevice, verifyVisitorToken } from "./visitor";

const sessionBody = z.strictObject({ deviceId: z.string().max(100).optional() });
const sendBody = z.strictObject({ clientId: clientIdSchema, text: messageTextSchema });
const afterQuery = z.strictObject({ after: z.coerce.number().int().min(0).default(0) });
const socketQuery = z.strictObject({ token: z.string().min(1).max(2000), after: z.coerce.number().int().min(0).default(0) });

const VISITOR: SocketIdentity = { role: "visitor", agentId: null, agentName: null };

/** The conversation a visitor token grants; 401 with the reason otherwise. */
async function visitorConversation(c: Context<AppEnv>, token: string | undefined): Promise<string> {
  if (!token) throw new ApiError(401, "visitor_token_required", "Send the visitor token from /api/widget/session");
  const result = await verifyVisitorToken(c.env.VISITOR_TOKEN_SECRET, token);
  if (!result.ok) {
    throw result.reason === "expired"
      ? new ApiError(401, "visitor_token_expired", "The visitor token expired; start a new session")
      : new ApiError(401, "visitor_token_invalid", "The visitor token is not valid");
  }
  return result.conversationId;
}

function bearer(c: Context): string | undefined {
  return c.req.header("authorization")?.match(/^Bearer (\S+)$/)?.[1];
}

/**
 * The visitor's side of web chat, called by the widget from any allowed site. No cookies: a visitor
 * holds a device id (kept in local storage) and a short-lived token for their own conversation.
 */
export const widgetRoutes = new Hono<AppEnv>()
  .use(
    cors({
      origin: (origin, c) => (widgetOriginAllowed(c.env, origin, new URL(c.req.url).origin) ? origin : null),
      allowMethods: ["GET", "POST"],
      allowHeaders: ["content-type", "authorization"],
      maxAge: 600,
    }),
  )
  .use(jsonBodyLimit)
  /** Start (no deviceId) or resume (the deviceId we issued earlier) the device's conversation (S14). */
  .post("/session", validate("json", sessionBody), async (c) => {
    const secret = c.env.VISITOR_TOKEN_SECRET;
    const { deviceId } = c.req.valid("json");
    const device = deviceId === undefined ? await newDevice(secret) : await openDevice(secret, deviceId);
    if (!device) throw new ApiError(400, "unknown_device", "This device id was not issued here; start without one");
    await roomStub(c.env, device.conversationId).ensure({ id: device.conversationId, channel: "chat", visitorKey: device.visitorKey });
    const token = await issueVisitorToken(secret, device.conversationId);
    return c.json({ deviceId: device.deviceId, conversationId: device.conversationId, ...token });
  })
  .get("/messages", validate("query", afterQuery), async (c) => {
    const id = await visitorConversation(c, bearer(c));
    const messages = await roomStub(c.env, id).history({ after: c.req.valid("query").after, limit: 500, chatOnly: true });
    return c.json({ messages: messages ?? [] });
  })
  .post("/messages", validate("json", sendBody), async (c) => {
    const id = await visitorConversation(c, bearer(c));
    const { clientId, text } = c.req.valid("json");
    const posted = await roomStub(c.env, id).post({
      clientId,
      channel: "chat",
      direction: "inbound",
      author: { kind: "visitor", id: null, name: null },
      text,
    });
    if (!posted) throw new ApiError(404, "conversation_not_found", "Start a new session");
    return c.json(posted, posted.duplicate ? 200 : 201);
  })
  /** Browsers cannot set headers on a WebSocket, so the token comes in the query string. */
  .get("/socket", validate("query", socketQuery), async (c) => {
    requireUpgrade(c, (origin) => widgetOriginAllowed(c.env, origin, new URL(c.req.url).origin));
    const { token, after } = c.req.valid("query");
    const id = await visitorConversation(c, token);
    return forwardUpgrade(roomStub(c.env, id), { identity: JSON.stringify(VISITOR), after: String(after) });
  });
