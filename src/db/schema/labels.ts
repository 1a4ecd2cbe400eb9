import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** S35: labels admins define; any agent applies them. Never deleted: archived. */
export const labels = sqliteTable(
  "labels",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    /** `#rrggbb`. */
    color: text("color").notNull(),
    archived: integer("archived", { mode: "boolean" }).notNull().default(false),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("labels_name_unique").on(sql`lower(${t.name})`)],
);

export type Label = typeof labels.$inferSelect;

/**
 * Which conversations carry which label, newest activity first: the rows the label views page over.
 * Kept by triggers from `conversations.labels` (migrations/0011), never written by code.
 */
export const conversationLabels = sqliteTable(
  "conversation_labels",
  {
    labelId: text("label_id").notNull(),
    conversationId: text("conversation_id").notNull(),
    lastMessageAt: integer("last_message_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.conversationId, t.labelId] }),
    index("conversation_labels_activity_idx").on(t.labelId, t.lastMessageAt, t.conversationId),
  ],
);

/** S34: a mention of an agent in a note they have not seen yet (opening the conversation clears it). */
export const unseenMentions = sqliteTable(
  "unseen_mentions",
  {
    agentId: text("agent_id").notNull(),
    conversationId: text("conversation_id").notNull(),
    /** The note's sequence number (the latest unseen one). */
    seq: integer("seq").notNull(),
    at: integer("at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.agentId, t.conversationId] })],
);
