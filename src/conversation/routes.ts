import { z } from "zod";
import { agentRouter } from "../auth/agent-router";
import { requireAgent } from "../auth/middleware";
import { eq } from "drizzle-orm";
import { database } from "../db/client";
import { agents } from "../db/schema";
import { inboxCountsFor, listConversations } from "../inbox/conversation-index";
import { ApiError } from "../lib/errors";
import { isOwnOrigin } from "../lib/origin";
import { forwardUpgrade, requireUpgrade } from "../lib/sockets";
import { validate } from "../lib/validate";
import { type AgentRef, CHANNELS } from "../protocol";
import { clientIdSchema, messageTextSchema } from "../protocol/schemas";
import { LABEL_ID, usableLabels } from "../labels/store";
import { now } from "../lib/clock";
import { CONVERSATION_ID } from "./ids";
import { activeAgents, agentAuthor, notifyMentions } from "./mentions";
import { MAX_SNOOZE_MS } from "./triage";
import { notify } from "../notifications/store";
import { conversationIdSchema, conversationStub, type PostResult, type SocketIdentity } from "./stub";

const idParam = z.object({ id: conversationIdSchema });

const listQuery = z.strictObject({
  /** `open` hides snoozed ones (S36); `snoozed` lists them. */
  status: z.enum(["open", "complete", "snoozed", "all"]).default("all"),
  channel: z.enum(CHANNELS).optional(),
  unread: z.enum(["true", "false"]).optional(),
  /** S31: `me`, `none` (unassigned) or an agent's id. */
  assignee: z.union([z.enum(["me", "none"]), z.uuid("Not an agent id")]).optional(),
  /** S35: one label's conversations. */
  label: z.string().regex(LABEL_ID, "Not a label id").optional(),
  /** S34: conversations with a mention of me I have not seen. */
  mentioned: z.literal("me").optional(),
  limit: z.coerce.number().int().min(1).max(100).default(30),
  cursor: z
    .string()
    .refine(
      (v) => /^\d+:/.test(v) && CONVERSATION_ID.test(v.slice(v.indexOf(":") + 1)),
      "Not a cursor from a previous page",
    )
    .optional(),
});

const pageQuery = z
  .strictObject({
    after: z.coerce.number().int().min(0).optional(),
    before: z.coerce.number().int().min(1).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(100),
  })
  .refine((q) => q.after === undefined || q.before === undefined, "Use either after or before, not both");

// A reply on a channel, or an internal note (S33) that may mention agents (S34). Every rule beyond the
// shape is the conversation's own (doors.ts).
const postBody = z
  .strictObject({
    clientId: clientIdSchema,
    channel: z.enum([...CHANNELS, "note"]),
    text: messageTextSchema,
    mentions: z.array(z.uuid("Not an agent id")).max(20).optional(),
    /** S38: the last sequence number the author had seen; with `force`, sent even if news came since. */
    basedOnSeq: z.number().int().min(0).optional(),
    force: z.boolean().optional(),
  })
  .refine((b) => !b.mentions?.length || b.channel === "note", {
    message: "Only a note mentions agents",
    path: ["mentions"],
  });
const labelsBody = z.strictObject({ labelIds: z.array(z.string().regex(LABEL_ID, "Not a label id")).max(20) });
const snoozeBody = z.strictObject({ until: z.number().int() });

const assignBody = z.strictObject({ agentId: z.uuid("Not an agent id").nullable() });

const REFUSALS: Record<Exclude<Extract<PostResult, { ok: false }>["code"], "stale">, 409 | 422 | 429> = {
  unfilled_tags: 422,
  channel_refused: 422,
  client_id_taken: 409,
  rate_limited: 429,
};

/** The conversation object's answer, or a 404 when it says the conversation does not exist. */
function found<T>(result: T | null): T {
  if (result === null) throw new ApiError(404, "conversation_not_found", "No conversation with that id");
  return result;
}

/** The agents' conversation API. There is no DELETE, by design (S8). */
export const conversationRoutes = agentRouter()
  .use(requireAgent)
  .get("/", validate("query", listQuery), async (c) => {
    const q = c.req.valid("query");
    const [t, id] = q.cursor ? q.cursor.split(":") : [];
    const db = database(c.env.DB);
    const assignee = q.assignee === "me" ? c.get("agent").id : q.assignee === "none" ? null : q.assignee;
    const [rows, counts] = await Promise.all([
      listConversations(db, {
        assignee,
        label: q.label,
        mentioned: q.mentioned ? c.get("agent").id : undefined,
        status: q.status === "all" ? undefined : q.status,
        channel: q.channel,
        unread: q.unread === "true",
        limit: q.limit + 1,
        after: q.cursor ? { lastMessageAt: Number(t), id: id! } : undefined,
      }),
      inboxCountsFor(db, c.get("agent").id),
    ]);
    const unreadCount = counts.unread;
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    const nextCursor = rows.length > q.limit && last ? `${last.lastMessageAt}:${last.id}` : null;
    return c.json({ conversations: page, nextCursor, unreadCount });
  })
  .get("/:id", validate("param", idParam), validate("query", pageQuery), async (c) => {
    const stub = conversationStub(c.env, c.req.valid("param").id);
    const q = c.req.valid("query");
    const [snap, messages] = await Promise.all([
      stub.snapshot(),
      stub.history({ after: q.after, before: q.before, limit: q.limit }),
    ]);
    return c.json({ ...found(snap), messages: found(messages) });
  })
  .post("/:id/messages", validate("param", idParam), validate("json", postBody), async (c) => {
    const { clientId, channel, text, mentions = [], basedOnSeq, force } = c.req.valid("json");
    const agent = c.get("agent");
    const author = { kind: "agent" as const, id: agent.id, name: agent.name };
    const mentioned = await activeAgents(c.env.DB, mentions);
    const stub = conversationStub(c.env, c.req.valid("param").id);
    const result = found(
      await stub.post(
        channel === "note"
          ? { kind: "note", clientId, text, author, mentions: mentioned, basedOnSeq, force }
          : { kind: "reply", channel, clientId, text, author, basedOnSeq, force },
      ),
    );
    if (result.ok && !result.duplicate && result.message.kind === "note")
      await notifyMentions(c.env, result.message, { id: agent.id, name: agent.name });
    if (!result.ok && result.code === "stale")
      return c.json({ error: { code: result.code, message: result.reason }, newer: result.newer }, 409);
    if (!result.ok) {
      const headers = result.retryAfterS === undefined ? undefined : { "Retry-After": String(result.retryAfterS) };
      throw new ApiError(REFUSALS[result.code], result.code, result.reason, undefined, headers);
    }
    return c.json({ message: result.message, duplicate: result.duplicate }, result.duplicate ? 200 : 201);
  })
  /** S31: any agent assigns to any active agent, takes it, or unassigns (`agentId: null`). */
  .post("/:id/assign", validate("param", idParam), validate("json", assignBody), async (c) => {
    const { agentId } = c.req.valid("json");
    let to: AgentRef | null = null;
    if (agentId) {
      const agent = await database(c.env.DB).query.agents.findFirst({ where: eq(agents.id, agentId) });
      if (!agent) throw new ApiError(404, "agent_not_found", "No agent with that id");
      if (!agent.active)
        throw new ApiError(409, "agent_inactive", `${agent.name} is deactivated and cannot own conversations`);
      to = { id: agent.id, name: agent.name };
    }
    const me = c.get("agent");
    const id = c.req.valid("param").id;
    const result = found(await conversationStub(c.env, id).assign(to, { kind: "agent", id: me.id, name: me.name }));
    // S39: told to the new owner, unless they took it themselves.
    if (to && result.event && to.id !== me.id)
      await notify(c.env, [to.id], {
        kind: "assigned",
        conversationId: id,
        seq: result.event.seq,
        actor: me.name,
        preview: result.conversation.preview,
      });
    return c.json(result);
  })
  .post("/:id/open", validate("param", idParam), async (c) => {
    const id = c.req.valid("param").id;
    const conversation = found(await conversationStub(c.env, id).markRead());
    // S34: opening it is seeing what mentioned me there.
    await c.env.DB.prepare("DELETE FROM unseen_mentions WHERE agent_id = ? AND conversation_id = ?")
      .bind(c.get("agent").id, id)
      .run();
    return c.json({ conversation });
  })
  /** S36: unread for everyone. */
  .post("/:id/unread", validate("param", idParam), async (c) => {
    return c.json({ conversation: found(await conversationStub(c.env, c.req.valid("param").id).markUnread()) });
  })
  /** S35: the conversation's labels, all at once (unknown or archived ids: 400). */
  .put("/:id/labels", validate("param", idParam), validate("json", labelsBody), async (c) => {
    const ids = await usableLabels(database(c.env.DB), c.req.valid("json").labelIds);
    return c.json(
      found(await conversationStub(c.env, c.req.valid("param").id).setLabels(ids, agentAuthor(c.get("agent")))),
    );
  })
  /** S36: set aside until a time ahead (within a year); a completed conversation cannot be (409). */
  .post("/:id/snooze", validate("param", idParam), validate("json", snoozeBody), async (c) => {
    const { until } = c.req.valid("json");
    const at = now();
    if (until <= at || until > at + MAX_SNOOZE_MS)
      throw new ApiError(400, "invalid_request", "Snooze until a time ahead, within a year", {
        until: "Not a time ahead within a year",
      });
    const result = found(
      await conversationStub(c.env, c.req.valid("param").id).snooze(until, agentAuthor(c.get("agent"))),
    );
    if (!result.ok) throw new ApiError(409, result.code, result.reason);
    return c.json({ conversation: result.conversation, event: result.event });
  })
  .post("/:id/unsnooze", validate("param", idParam), async (c) => {
    const result = found(
      await conversationStub(c.env, c.req.valid("param").id).snooze(null, agentAuthor(c.get("agent"))),
    );
    return c.json({ conversation: result.conversation, event: result.ok ? result.event : null });
  })
  .post("/:id/complete", validate("param", idParam), async (c) => {
    return c.json({
      conversation: found(await conversationStub(c.env, c.req.valid("param").id).setStatus("complete")),
    });
  })
  .post("/:id/reopen", validate("param", idParam), async (c) => {
    return c.json({ conversation: found(await conversationStub(c.env, c.req.valid("param").id).setStatus("open")) });
  })
  .get(
    "/:id/socket",
    validate("param", idParam),
    validate("query", z.strictObject({ after: z.coerce.number().int().min(0).default(0) })),
    async (c) => {
      requireUpgrade(c, (origin) => isOwnOrigin(c, origin));
      const stub = conversationStub(c.env, c.req.valid("param").id);
      found(await stub.snapshot());
      const agent = c.get("agent");
      const identity: SocketIdentity = {
        role: "agent",
        agentId: agent.id,
        agentName: agent.name,
        session: c.get("session"),
      };
      return forwardUpgrade(stub, { identity: JSON.stringify(identity), after: String(c.req.valid("query").after) });
    },
  );
