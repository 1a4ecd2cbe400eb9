import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const notificationKinds = [
  "mentioned",
  "assigned",
  "unassigned_new",
  "customer_message",
  "unassigned_message",
] as const;
export type NotificationKind = (typeof notificationKinds)[number];

/**
 * S39: one agent's notices, newest first, read or not. Each opens its conversation at its message.
 * Unread ones are counted by triggers (migrations/0013) into inbox_counts' `notifications:<agent>`.
 */
export const notifications = sqliteTable(
  "notifications",
  {
    id: text("id").primaryKey(),
    agentId: text("agent_id").notNull(),
    kind: text("kind", { enum: notificationKinds }).notNull(),
    conversationId: text("conversation_id").notNull(),
    /** The message it is about (0: the conversation as a whole). */
    seq: integer("seq").notNull(),
    /** Who caused it (an agent's name), or what it says (a customer's words), for the list. */
    actor: text("actor"),
    preview: text("preview"),
    createdAt: integer("created_at").notNull(),
    readAt: integer("read_at"),
  },
  (t) => [
    index("notifications_agent_idx").on(t.agentId, t.createdAt, t.id),
    index("notifications_unread_idx").on(t.agentId).where(sql`${t.readAt} is null`),
  ],
);

/** S39: what each agent wants to hear about, and how (JSON of NotificationPrefs). */
export const notificationPrefs = sqliteTable("notification_prefs", {
  agentId: text("agent_id").primaryKey(),
  value: text("value").notNull(),
});

/** S39: a browser's Web Push subscription for an agent (one per device). Removed when its service says 404 or 410. */
export const pushSubscriptions = sqliteTable(
  "push_subscriptions",
  {
    endpoint: text("endpoint").primaryKey(),
    agentId: text("agent_id").notNull(),
    p256dh: text("p256dh").notNull(),
    auth: text("auth").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("push_subscriptions_agent_idx").on(t.agentId)],
);
