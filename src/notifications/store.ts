import { z } from "zod";
import type { NotificationKind } from "../db/schema";
import type { Env } from "../env";
import { now } from "../lib/clock";
import { workspaceFeed } from "../lib/workspace";
import type { AgentNotification, AgentStatus, ServerFrame } from "../protocol";
import { pushNotices } from "./push";

/** S39: what an agent wants to hear about, and how. Customer messages in unassigned conversations: off by default. */
export const prefsSchema = z.strictObject({
  mentioned: z.boolean(),
  assigned: z.boolean(),
  unassigned_new: z.boolean(),
  customer_message: z.boolean(),
  unassigned_message: z.boolean(),
  desktop: z.boolean(),
  sound: z.boolean(),
  push: z.boolean(),
});
export type NotificationPrefs = z.infer<typeof prefsSchema>;

export const DEFAULT_PREFS: NotificationPrefs = {
  mentioned: true,
  assigned: true,
  unassigned_new: true,
  customer_message: true,
  unassigned_message: false,
  desktop: true,
  sound: true,
  push: true,
};

export async function prefsOf(db: D1Database, agentIds: string[]): Promise<Map<string, NotificationPrefs>> {
  const out = new Map(agentIds.map((id) => [id, DEFAULT_PREFS]));
  if (agentIds.length === 0) return out;
  const { results } = await db
    .prepare(`SELECT agent_id, value FROM notification_prefs WHERE agent_id IN (${agentIds.map(() => "?").join(", ")})`)
    .bind(...agentIds)
    .all<{ agent_id: string; value: string }>();
  for (const r of results)
    out.set(r.agent_id, { ...DEFAULT_PREFS, ...(JSON.parse(r.value) as Partial<NotificationPrefs>) });
  return out;
}

export interface NoticeFor {
  kind: NotificationKind;
  conversationId: string;
  seq: number;
  actor: string | null;
  preview: string | null;
}

/**
 * S39: a notice to each of `agentIds` that wants this kind (their preferences), stored (unread) and
 * sent live to their open apps. Callers leave out who caused it and who is looking at it.
 */
/** What `notify` needs of the inbox feed: the feed passes itself, everyone else its stub. */
export interface FeedLike {
  notify(agentIds: string[], frame: ServerFrame): void | Promise<void>;
  statuses(): Record<string, AgentStatus> | Promise<Record<string, AgentStatus>>;
}

export async function notify(
  env: Env,
  agentIds: string[],
  notice: NoticeFor,
  feed: FeedLike = workspaceFeed(env),
): Promise<AgentNotification[]> {
  const prefs = await prefsOf(env.DB, [...new Set(agentIds)]);
  const to = [...prefs].filter(([, p]) => p[notice.kind]).map(([id]) => id);
  if (to.length === 0) return [];
  const at = now();
  const made: AgentNotification[] = to.map((agentId) => ({
    id: `nt_${crypto.randomUUID().replace(/-/g, "")}`,
    agentId,
    ...notice,
    preview: notice.preview?.slice(0, 140) ?? null,
    createdAt: at,
    readAt: null,
  }));
  await env.DB.batch(
    made.map((n) =>
      env.DB.prepare(
        "INSERT INTO notifications (id, agent_id, kind, conversation_id, seq, actor, preview, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      ).bind(n.id, n.agentId, n.kind, n.conversationId, n.seq, n.actor, n.preview, n.createdAt),
    ),
  );
  await Promise.all(made.map((n) => feed.notify([n.agentId], { type: "notification", notification: n })));
  // With no app open, a Web Push to each of their devices, if they want it.
  const statuses = await feed.statuses();
  await pushNotices(
    env,
    made.filter((n) => prefs.get(n.agentId)!.push && (statuses[n.agentId] ?? "offline") === "offline"),
  );
  return made;
}
