import { and, desc, eq, inArray, isNull, lt, or, type SQL } from "drizzle-orm";
import type { Database } from "../db/client";
import { contacts, conversations, inboxCounts } from "../db/schema";
import { type Channel, type ConversationStatus, type ConversationSummary, MAX_SUBJECT_CHARS, plainLabelOrNull, shownContact } from "../protocol";

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
         assignee_id, assignee_name, assigned_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)
       ON CONFLICT (id) DO UPDATE SET contact_id = excluded.contact_id, contact_verified = excluded.contact_verified,
         status = excluded.status,
         read = excluded.read, subject = excluded.subject, last_message_preview = excluded.last_message_preview,
         last_message_at = excluded.last_message_at, last_inbound_at = excluded.last_inbound_at,
         version = excluded.version, last_seq = excluded.last_seq, person_name = excluded.person_name,
         assignee_id = excluded.assignee_id, assignee_name = excluded.assignee_name, assigned_at = excluded.assigned_at
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
    );
}

export interface IndexEntry {
  summary: ConversationSummary;
  keys: IndexKeys;
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
  status?: ConversationStatus;
  channel?: Channel;
  unread?: boolean;
  /** S31: one agent's conversations, or (null) the unassigned ones. */
  assignee?: string | null;
  limit: number;
  /** Keyset cursor: the last row of the previous page. */
  after?: { lastMessageAt: number; id: string };
}

/** Newest activity first, keyset-paginated on (last_message_at, id) — the indexes in the schema. */
export async function listConversations(db: Database, f: ListFilters): Promise<ConversationSummary[]> {
  const where: SQL[] = [];
  if (f.status) where.push(eq(conversations.status, f.status));
  if (f.channel) where.push(eq(conversations.channel, f.channel));
  if (f.unread) where.push(eq(conversations.read, false));
  if (f.assignee !== undefined) where.push(f.assignee === null ? isNull(conversations.assigneeId) : eq(conversations.assigneeId, f.assignee));
  if (f.after) {
    where.push(
      or(
        lt(conversations.lastMessageAt, f.after.lastMessageAt),
        and(eq(conversations.lastMessageAt, f.after.lastMessageAt), lt(conversations.id, f.after.id)),
      )!,
    );
  }
  const rows = await db
    .select({ c: conversations, contact: { id: contacts.id, name: contacts.name, email: contacts.email } })
    .from(conversations)
    .leftJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(and(...where))
    .orderBy(desc(conversations.lastMessageAt), desc(conversations.id))
    .limit(f.limit);
  return rows.map(({ c, contact }) => ({
    id: c.id,
    channel: c.channel,
    status: c.status,
    read: c.read,
    contact: shownContact(c.channel, contact?.id ? { id: contact.id, name: plainLabelOrNull(contact.name), email: contact.email!, verified: c.contactVerified } : null),
    subject: plainLabelOrNull(c.subject, MAX_SUBJECT_CHARS),
    preview: c.lastMessagePreview,
    lastMessageAt: c.lastMessageAt,
    lastInboundAt: c.lastInboundAt,
    createdAt: c.createdAt,
    version: c.version,
    lastSeq: c.lastSeq,
    personName: plainLabelOrNull(c.personName),
    assignee: c.assigneeId ? { id: c.assigneeId, name: c.assigneeName ?? "" } : null,
  }));
}

export interface InboxCounts {
  mine: number;
  unassigned: number;
  all: number;
  unread: number;
}

/**
 * S2, S31: the inbox's counts over open conversations, read from the counters the index's triggers
 * keep (migrations/0009): four rows by primary key, whatever the backlog.
 */
export async function inboxCountsFor(db: Database, agentId: string): Promise<InboxCounts> {
  const mine = `mine:${agentId}`;
  const rows = await db
    .select()
    .from(inboxCounts)
    .where(inArray(inboxCounts.key, ["all", "unread", "unassigned", mine]));
  const n = (key: string) => rows.find((r) => r.key === key)?.n ?? 0;
  return { mine: n(mine), unassigned: n("unassigned"), all: n("all"), unread: n("unread") };
}
