import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { CHANNELS, CONVERSATION_STATUSES } from "../../protocol";
import { contacts } from "./contacts";

export const channels = CHANNELS;
export type Channel = (typeof channels)[number];
export const conversationStatuses = CONVERSATION_STATUSES;
export type ConversationStatus = (typeof conversationStatuses)[number];

/**
 * The index the inbox lists and filters. Messages live in each conversation's Durable Object;
 * this row follows it. Rows are never deleted (S8): a trigger in the migrations refuses DELETE.
 */
export const conversations = sqliteTable(
  "conversations",
  {
    id: text("id").primaryKey(),
    /** The channel the conversation started on; later messages may use others. */
    channel: text("channel", { enum: channels }).notNull(),
    contactId: text("contact_id").references(() => contacts.id),
    /** The link to the contact is proven (signed identity), not an address a visitor typed (S16). */
    contactVerified: integer("contact_verified", { mode: "boolean" }).notNull().default(false),
    /** SHA-256 of the widget's device id, for chat conversations. */
    visitorKey: text("visitor_key"),
    /** Page-scoped id of a Messenger person. */
    messengerPsid: text("messenger_psid"),
    status: text("status", { enum: conversationStatuses }).notNull().default("open"),
    /** Read for everyone once any agent opens it (S4). */
    read: integer("read", { mode: "boolean" }).notNull().default(false),
    subject: text("subject"),
    /** A name for people who are not contacts (Messenger: from their profile). */
    personName: text("person_name"),
    lastMessagePreview: text("last_message_preview"),
    lastMessageAt: integer("last_message_at").notNull(),
    lastInboundAt: integer("last_inbound_at"),
    /** The conversation object's version of this row: an update applies only if newer (never twice, never stale). */
    version: integer("version").notNull().default(0),
    /** Sequence number of the newest message. */
    lastSeq: integer("last_seq").notNull().default(0),
    createdAt: integer("created_at").notNull(),
    /** S31: the agent who owns it (null: unassigned), their name when assigned, and when. */
    assigneeId: text("assignee_id"),
    assigneeName: text("assignee_name"),
    assignedAt: integer("assigned_at"),
    /** S36: hidden from Open, Mine and Unassigned until then (or the customer writes); null when not snoozed. */
    snoozedUntil: integer("snoozed_until"),
    /** S35: the label ids, a JSON array (triggers keep conversation_labels and the per-label counts from it). */
    labels: text("labels").notNull().default("[]"),
  },
  (t) => [
    // Newest activity first, keyset-paginated by (last_message_at, id), optionally per status or channel.
    index("conversations_activity_idx").on(t.lastMessageAt, t.id),
    index("conversations_status_activity_idx").on(t.status, t.lastMessageAt, t.id),
    index("conversations_channel_activity_idx").on(t.channel, t.lastMessageAt, t.id),
    index("conversations_unread_activity_idx").on(t.lastMessageAt, t.id).where(sql`${t.read} = 0`),
    index("conversations_contact_idx").on(t.contactId, t.lastMessageAt),
    // Mine and Unassigned, newest activity first (S31).
    index("conversations_assignee_activity_idx").on(t.assigneeId, t.lastMessageAt, t.id),
    // The Snoozed view (S36): few rows among many, so an index of their own.
    index("conversations_snoozed_activity_idx")
      .on(t.status, t.lastMessageAt, t.id)
      .where(sql`${t.snoozedUntil} is not null`),
    uniqueIndex("conversations_visitor_unique").on(t.visitorKey).where(sql`${t.visitorKey} is not null`),
    uniqueIndex("conversations_messenger_unique").on(t.messengerPsid).where(sql`${t.messengerPsid} is not null`),
    check("conversations_channel_check", sql`${t.channel} in ('chat', 'email', 'messenger')`),
    check("conversations_status_check", sql`${t.status} in ('open', 'complete')`),
  ],
);

export type ConversationRow = typeof conversations.$inferSelect;
