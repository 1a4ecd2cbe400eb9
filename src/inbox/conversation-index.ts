import { and, desc, eq, inArray, isNotNull, isNull, lt, or, type SQL, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { contacts, conversationLabels, conversations, inboxCounts, unseenMentions } from "../db/schema";
import {
  type Channel,
  type ConversationStatus,
  type ConversationSummary,
  MAX_SUBJECT_CHARS,
  plainLabelOrNull,
  shownContact,
} from "../protocol";
import type { SearchItem } from "../search/documents";

/** Columns of the D1 index that the summary does not carry. */
export interface IndexKeys {
  visitorKey: string | null;
  messengerPsid: string | null;
  /** S32: when the assignee got it (auto-assignment's tie-break, oldest waiting first). */
  assignedAt: number | null;
}

/**
 * The statement that writes a conversation's summary to the D1 index. Applied only if its version is
 * newer than the stored one, so retries and out-of-order writes are harmless: the row is never
 * written twice over.
 */
function indexStatement(d1: D1Database, s: ConversationSummary, keys: IndexKeys): D1PreparedStatement {
  return d1
    .prepare(
      `INSERT INTO conversations (id, channel, contact_id, visitor_key, messenger_psid, status, read, subject,
         last_message_preview, last_message_at, last_inbound_at, version, last_seq, created_at, contact_verified, person_name,
         assignee_id, assignee_name, assigned_at, labels, snoozed_until)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)
       ON CONFLICT (id) DO UPDATE SET contact_id = excluded.contact_id, contact_verified = excluded.contact_verified,
         status = excluded.status,
         read = excluded.read, subject = excluded.subject, last_message_preview = excluded.last_message_preview,
         last_message_at = excluded.last_message_at, last_inbound_at = excluded.last_inbound_at,
         version = excluded.version, last_seq = excluded.last_seq, person_name = excluded.person_name,
         assignee_id = excluded.assignee_id, assignee_name = excluded.assignee_name, assigned_at = excluded.assigned_at,
         labels = excluded.labels, snoozed_until = excluded.snoozed_until
       WHERE excluded.version > conversations.version`,
    )
    .bind(
      s.id,
      s.channel,
      s.contact?.id ?? null,
      keys.visitorKey,
      keys.messengerPsid,
      s.status,
      s.read ? 1 : 0,
      s.subject,
      s.preview,
      s.lastMessageAt,
      s.lastInboundAt,
      s.version,
      s.lastSeq,
      s.createdAt,
      s.contact?.verified ? 1 : 0,
      s.personName,
      s.assignee?.id ?? null,
      s.assignee?.name ?? null,
      keys.assignedAt,
      JSON.stringify(s.labels),
      s.snoozedUntil,
    );
}

export interface IndexEntry {
  summary: ConversationSummary;
  keys: IndexKeys;
  /** S41: the conversation's items not yet in the search index. */
  items?: SearchItem[];
}

/**
 * Writes summaries to the D1 index in one atomic batch; of several versions of one conversation only
 * the newest is written.
 */
export async function writeIndex(d1: D1Database, entries: IndexEntry[]): Promise<void> {
  const newest = new Map<string, IndexEntry>();
  for (const e of entries) {
    const seen = newest.get(e.summary.id);
    if (!seen || e.summary.version > seen.summary.version) newest.set(e.summary.id, e);
  }
  const statements = [...newest.values()].map((e) => indexStatement(d1, e.summary, e.keys));
  if (statements.length > 0) await d1.batch(statements);
}

export interface ListFilters {
  /** `open` hides snoozed conversations; `snoozed` is open ones set aside (S36). */
  status?: ConversationStatus | "snoozed";
  channel?: Channel;
  unread?: boolean;
  /** S31: one agent's conversations, or (null) the unassigned ones. */
  assignee?: string | null;
  /** S35: carrying this label (paged over conversation_labels). */
  label?: string;
  /** S34: with a mention of this agent they have not seen. */
  mentioned?: string;
  limit: number;
  /** Keyset cursor: the last row of the previous page. */
  after?: { lastMessageAt: number; id: string };
}

/** Newest activity first, keyset-paginated on (last_message_at, id) — the indexes in the schema. */
export async function listConversations(db: Database, f: ListFilters): Promise<ConversationSummary[]> {
  const where: SQL[] = [];
  if (f.status === "snoozed") where.push(eq(conversations.status, "open"), isNotNull(conversations.snoozedUntil));
  else if (f.status === "open") where.push(eq(conversations.status, "open"), isNull(conversations.snoozedUntil));
  else if (f.status) where.push(eq(conversations.status, f.status));
  if (f.channel) where.push(eq(conversations.channel, f.channel));
  if (f.unread) where.push(eq(conversations.read, false));
  if (f.assignee !== undefined)
    where.push(f.assignee === null ? isNull(conversations.assigneeId) : eq(conversations.assigneeId, f.assignee));
  // A label view pages over its own rows (label, activity), so its first page reads about a page.
  const [at, id] = f.label
    ? [conversationLabels.lastMessageAt, conversationLabels.conversationId]
    : [conversations.lastMessageAt, conversations.id];
  if (f.label) where.push(eq(conversationLabels.labelId, f.label));
  if (f.mentioned) where.push(eq(unseenMentions.agentId, f.mentioned));
  if (f.after) where.push(or(lt(at, f.after.lastMessageAt), and(eq(at, f.after.lastMessageAt), lt(id, f.after.id)))!);
  const columns = { c: conversations, contact: { id: contacts.id, name: contacts.name, email: contacts.email } };
  const base = f.label
    ? db
        .select(columns)
        .from(conversationLabels)
        .innerJoin(conversations, eq(conversations.id, conversationLabels.conversationId))
    : db.select(columns).from(conversations);
  const joined = f.mentioned
    ? base.innerJoin(unseenMentions, eq(unseenMentions.conversationId, conversations.id))
    : base;
  const rows = await joined
    .leftJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(and(...where))
    .orderBy(desc(at), desc(id))
    .limit(f.limit);
  return rows.map(({ c, contact }) => ({
    id: c.id,
    channel: c.channel,
    status: c.status,
    read: c.read,
    contact: shownContact(
      c.channel,
      contact?.id
        ? { id: contact.id, name: plainLabelOrNull(contact.name), email: contact.email!, verified: c.contactVerified }
        : null,
    ),
    subject: plainLabelOrNull(c.subject, MAX_SUBJECT_CHARS),
    preview: c.lastMessagePreview,
    lastMessageAt: c.lastMessageAt,
    lastInboundAt: c.lastInboundAt,
    createdAt: c.createdAt,
    version: c.version,
    lastSeq: c.lastSeq,
    personName: plainLabelOrNull(c.personName),
    assignee: c.assigneeId ? { id: c.assigneeId, name: c.assigneeName ?? "" } : null,
    labels: JSON.parse(c.labels) as string[],
    snoozedUntil: c.snoozedUntil,
  }));
}

export interface InboxCounts {
  mine: number;
  unassigned: number;
  all: number;
  unread: number;
  /** S34: conversations with a mention of me I have not seen. */
  mentions: number;
  snoozed: number;
  /** S35: per label id. */
  labels: Record<string, number>;
}

/**
 * S2, S31: the inbox's counts over open conversations, read from the counters the index's triggers
 * keep (migrations/0009): four rows by primary key, whatever the backlog.
 */
export async function inboxCountsFor(db: Database, agentId: string): Promise<InboxCounts> {
  const [mine, mentions] = [`mine:${agentId}`, `mentions:${agentId}`];
  const [rows, labelRows] = await db.batch([
    db
      .select()
      .from(inboxCounts)
      .where(inArray(inboxCounts.key, ["all", "unread", "unassigned", "snoozed", mine, mentions])),
    // One row per label (a workspace has tens): the range of keys that start with "label:".
    db
      .select()
      .from(inboxCounts)
      .where(and(sql`${inboxCounts.key} >= 'label:'`, sql`${inboxCounts.key} < 'label;'`)),
  ]);
  const n = (key: string) => rows.find((r) => r.key === key)?.n ?? 0;
  const labels = Object.fromEntries(labelRows.map((r) => [r.key.slice("label:".length), r.n]));
  return {
    mine: n(mine),
    unassigned: n("unassigned"),
    all: n("all"),
    unread: n("unread"),
    mentions: n(mentions),
    snoozed: n("snoozed"),
    labels,
  };
}
