import { Hono, type Context } from "hono";
import { cors } from "hono/cors";
import { z } from "zod";
import type { AppEnv } from "../../app-env";
import { jsonBodyLimit } from "../../auth/agent-router";
import { findOrCreateContact } from "../../contacts/store";
import { conversationStub, type SocketIdentity } from "../../conversation/stub";
import { database } from "../../db/client";
import { ApiError } from "../../lib/errors";
import { isOwnOrigin } from "../../lib/origin";
import { forwardUpgrade, requireUpgrade } from "../../lib/sockets";
import { validate } from "../../lib/validate";
import type { ContactRef, ConversationSummary } from "../../protocol";
import { clientIdSchema, messageTextSchema } from "../../protocol/schemas";
import { identitySchema, verifyIdentity } from "./identity";
import { widgetOriginAllowed } from "./origins";
import { issueVisitorToken, newDevice, openDevice, userConversation, verifyVisitorToken } from "./visitor";

const sessionBody = z.strictObject({ deviceId: z.string().max(100).optional(), identity: identitySchema.optional() });
const contactBody = z.strictObject({ email: z.email("Not an email address").max(254) });
const sendBody = z.strictObject({ clientId: clientIdSchema, text: messageTextSchema });
const historyQuery = z.strictObject({ after: z.coerce.number().int().min(0).optional() });
const socketQuery = z.strictObject({
  token: z.string().min(1).max(2000),
  after: z.coerce.number().int().min(0).default(0),
});

const VISITOR: SocketIdentity = { role: "visitor", agentId: null, agentName: null, session: null };
/** Without `after`, the history is the latest page (the widget's first look); with it, what follows. */
const HISTORY_PAGE = 200;

/** What a visitor sees of the contact link: the address, and whether it was proven. Never the contact's name or id. */
export interface VisitorContact {
  email: string;
  verified: boolean;
}

export interface WidgetSession {
  /** Null for a user identified by the host site who came without a device id. */
  deviceId: string | null;
  conversationId: string;
  token: string;
  expiresAt: number;
  /** Sequence number of the newest message (0: nothing written yet). */
  lastSeq: number;
  contact: VisitorContact | null;
  identified: boolean;
}

function allowed(c: Context<AppEnv>, origin: string): boolean {
  return isOwnOrigin(c, origin) || widgetOriginAllowed(c.env.WIDGET_ORIGINS, origin);
}

function clientKey(c: Context): string {
  return c.req.header("cf-connecting-ip") ?? "unknown";
}

/**
 * Counts against the per-client budget of new conversations (and typed addresses): 429 once spent.
 * Loopback is exempt: on Cloudflare the address is always the visitor's public one, so only a local
 * `wrangler dev` sees it, where the demo data and the end-to-end suite start dozens of chats from it.
 */
async function spendNewConversation(c: Context<AppEnv>, what: "conversation" | "contact"): Promise<void> {
  const client = clientKey(c);
  if (client === "127.0.0.1" || client === "::1") return;
  const { success } = await c.env.WIDGET_NEW_CONVERSATIONS.limit({ key: `${what}:${client}` });
  if (!success) {
    throw new ApiError(
      429,
      "rate_limited",
      `Too many new ${what === "conversation" ? "conversations" : "email addresses"} from this client; wait a minute`,
      undefined,
      {
        "Retry-After": "60",
      },
    );
  }
}

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

function visitorContact(s: ConversationSummary): VisitorContact | null {
  return s.contact ? { email: s.contact.email, verified: s.contact.verified } : null;
}

async function linkContact(
  c: Context<AppEnv>,
  conversationId: string,
  input: { email: string; name?: string },
  verified: boolean,
) {
  const contact = await findOrCreateContact(database(c.env.DB), input);
  // A typed address is shown as typed (never the contact's stored spelling or name), so the answer
  // tells a visitor nothing about who is already a contact (S16).
  const ref: ContactRef = verified
    ? { id: contact.id, name: contact.name, email: contact.email, verified }
    : { id: contact.id, name: null, email: input.email.trim(), verified };
  const result = await conversationStub(c.env, conversationId).linkContact(ref);
  if (!result) throw new ApiError(404, "conversation_not_found", "Start a new session");
  return result;
}

/**
 * The visitor's side of web chat, called by the widget from the sites in WIDGET_ORIGINS. No cookies:
 * a visitor holds a device id (kept in local storage) and a short-lived token for their own conversation.
 */
export const widgetRoutes = new Hono<AppEnv>()
  .use(
    cors({
      origin: (origin, c) => (allowed(c, origin) ? origin : null),
      allowMethods: ["GET", "POST"],
      allowHeaders: ["content-type", "authorization"],
      maxAge: 600,
    }),
  )
  // CORS only stops a browser from reading the answer; refuse the request itself too.
  .use(async (c, next) => {
    const origin = c.req.header("origin");
    if (c.req.method !== "OPTIONS" && origin && !allowed(c, origin)) {
      throw new ApiError(403, "origin_refused", "This site is not allowed to use the chat widget (WIDGET_ORIGINS)");
    }
    await next();
  })
  .use(jsonBodyLimit)
  /**
   * Start (no deviceId) or resume (the deviceId we issued earlier) the device's conversation (S14); or,
   * with a signed identity, the user's own conversation on any device.
   */
  .post("/session", validate("json", sessionBody), async (c) => {
    const secret = c.env.VISITOR_TOKEN_SECRET;
    const { deviceId, identity } = c.req.valid("json");
    const device = deviceId === undefined ? null : await openDevice(secret, deviceId);
    if (deviceId !== undefined && !device)
      throw new ApiError(400, "unknown_device", "This device id was not issued here; start without one");

    let target: { deviceId: string | null; conversationId: string; visitorKey: string };
    if (identity) {
      const identitySecret = c.env.WIDGET_IDENTITY_SECRET;
      if (!identitySecret)
        throw new ApiError(
          403,
          "identity_not_configured",
          "This workspace has no WIDGET_IDENTITY_SECRET; identify is off",
        );
      if (!(await verifyIdentity(identitySecret, identity))) {
        throw new ApiError(
          401,
          "identity_invalid",
          "The identity's signature does not match; sign it on your server with the widget identity secret",
        );
      }
      target = { deviceId: device?.deviceId ?? null, ...(await userConversation(secret, identity.userId)) };
    } else if (device) {
      target = device;
    } else {
      await spendNewConversation(c, "conversation");
      target = await newDevice(secret);
    }

    const ensured: ConversationSummary = await conversationStub(c.env, target.conversationId).ensure({
      id: target.conversationId,
      channel: "chat",
      visitorKey: target.visitorKey,
    });
    const summary = identity?.email
      ? (await linkContact(c, target.conversationId, { email: identity.email, name: identity.name }, true)).conversation
      : ensured;
    const token = await issueVisitorToken(secret, target.conversationId);
    const session: WidgetSession = {
      deviceId: target.deviceId,
      conversationId: target.conversationId,
      ...token,
      lastSeq: summary.lastSeq,
      contact: visitorContact(summary),
      identified: identity !== undefined,
    };
    return c.json(session);
  })
  /**
   * S16: the visitor's email. Links the conversation to that contact (created if unknown) as
   * unverified: anyone can type any address, so it never shows the visitor anything of that contact.
   */
  .post("/contact", validate("json", contactBody), async (c) => {
    const id = await visitorConversation(c, bearer(c));
    await spendNewConversation(c, "contact");
    const { linked, conversation } = await linkContact(c, id, { email: c.req.valid("json").email }, false);
    if (!linked)
      throw new ApiError(
        409,
        "contact_verified",
        "This conversation belongs to a signed-in user; their address cannot be changed here",
      );
    return c.json({ contact: visitorContact(conversation) });
  })
  .get("/messages", validate("query", historyQuery), async (c) => {
    const id = await visitorConversation(c, bearer(c));
    const { after } = c.req.valid("query");
    const messages = await conversationStub(c.env, id).history({
      after,
      limit: after === undefined ? HISTORY_PAGE : 500,
      visitorOnly: true,
    });
    return c.json({ messages: messages ?? [] });
  })
  .post("/messages", validate("json", sendBody), async (c) => {
    const id = await visitorConversation(c, bearer(c));
    const { clientId, text } = c.req.valid("json");
    const received = await conversationStub(c.env, id).receive([
      {
        type: "message",
        message: { channel: "chat", clientId, author: { kind: "visitor", id: null, name: null }, text },
      },
    ]);
    if (!received) throw new ApiError(404, "conversation_not_found", "Start a new session");
    const { message, duplicate, retryAfterS } = received[0]!;
    if (retryAfterS !== undefined) {
      throw new ApiError(429, "rate_limited", `Too many messages; wait ${retryAfterS} s`, undefined, {
        "Retry-After": String(retryAfterS),
      });
    }
    if (!message)
      throw new ApiError(409, "client_id_taken", "This client id belongs to another message; send with a new one");
    return c.json({ message, duplicate }, duplicate ? 200 : 201);
  })
  /** Browsers cannot set headers on a WebSocket, so the token comes in the query string. */
  .get("/socket", validate("query", socketQuery), async (c) => {
    requireUpgrade(c, (origin) => allowed(c, origin));
    const { token, after } = c.req.valid("query");
    const id = await visitorConversation(c, token);
    return forwardUpgrade(conversationStub(c.env, id), { identity: JSON.stringify(VISITOR), after: String(after) });
  });
