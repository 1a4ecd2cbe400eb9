import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Every email Message-ID we sent or received, and its conversation: how replies find their thread
 * (In-Reply-To, References — S18 rule 2), how the same mail delivered twice is stored once (S19), and
 * how a bounce finds the reply it bounces (S23). Mail without a Message-ID is keyed by `hash:<sha256>`.
 */
export const emailMessages = sqliteTable(
  "email_messages",
  {
    messageId: text("message_id").primaryKey(),
    conversationId: text("conversation_id").notNull(),
    direction: text("direction", { enum: ["inbound", "outbound"] }).notNull(),
    /** The message's id in its conversation object. */
    conversationMessageId: text("conversation_message_id"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("email_messages_conversation_idx").on(t.conversationId)],
);

/**
 * Mail we could not place: unparseable, or a bounce, auto-reply or report that matched nothing. Kept
 * (raw in R2) and listed for agents with the reason — never silently dropped.
 */
export const mailSetAside = sqliteTable(
  "mail_set_aside",
  {
    id: text("id").primaryKey(),
    rawKey: text("raw_key").notNull(),
    reason: text("reason").notNull(),
    sender: text("sender"),
    subject: text("subject"),
    receivedAt: integer("received_at").notNull(),
    /** Dismissed by an agent: kept (and downloadable), no longer listed. */
    dismissedAt: integer("dismissed_at"),
    /** Made into a conversation by an agent (S23: routing set it aside, an agent decided otherwise). */
    conversationId: text("conversation_id"),
  },
  (t) => [index("mail_set_aside_received_idx").on(t.receivedAt)],
);
