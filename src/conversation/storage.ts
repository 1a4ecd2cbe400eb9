import {
  type AgentRef,
  type Author,
  type Channel,
  type ContactRef,
  type ConversationStatus,
  type ConversationSummary,
  type EmailDetails,
  MAX_SUBJECT_CHARS,
  type Message,
  plainLabel,
  plainLabelOrNull,
  shownContact,
  TIMELINE,
  TIMELINE_KINDS,
  type TimelineEvent,
  type TimelineKind,
} from "../protocol";
import { newMessageId } from "./ids";

/** The conversation row as the object keeps it: the summary, plus what only the object needs. */
export interface ConversationState extends Omit<ConversationSummary, "lastMessageAt"> {
  /** Null until the first message. */
  lastMessageAt: number | null;
  visitorKey: string | null;
  messengerPsid: string | null;
  indexedVersion: number;
  /** S41: items up to this seq are in the search index. */
  indexedSeq: number;
  indexAttempts: number;
  indexRetryAt: number | null;
  visitorOnline: boolean;
  visitorOfflineAt: number | null;
  assignedAt: number | null;
}

type Row = Record<string, SqlStorageValue>;

export function readState(sql: SqlStorage): ConversationState | null {
  const r = sql
    .exec<Row>("SELECT *, (SELECT coalesce(max(seq), 0) FROM messages) AS last_seq FROM conversation LIMIT 1")
    .toArray()[0];
  if (!r) return null;
  return {
    id: r.id as string,
    channel: r.channel as Channel,
    status: r.status as ConversationStatus,
    read: r.read === 1,
    contact: shownContact(r.channel as Channel, r.contact ? readContact(r.contact as string) : null),
    subject: plainLabelOrNull(r.subject as string | null, MAX_SUBJECT_CHARS),
    personName: plainLabelOrNull(r.person_name as string | null),
    preview: r.preview as string | null,
    visitorKey: r.visitor_key as string | null,
    messengerPsid: r.messenger_psid as string | null,
    createdAt: r.created_at as number,
    lastMessageAt: r.last_message_at as number | null,
    lastInboundAt: r.last_inbound_at as number | null,
    version: r.version as number,
    indexedVersion: r.indexed_version as number,
    indexedSeq: r.indexed_seq as number,
    indexAttempts: r.index_attempts as number,
    indexRetryAt: r.index_retry_at as number | null,
    visitorOnline: r.visitor_online === 1,
    visitorOfflineAt: r.visitor_offline_at as number | null,
    assignee: r.assignee ? (JSON.parse(r.assignee as string) as AgentRef) : null,
    assignedAt: r.assigned_at as number | null,
    labels: JSON.parse(r.labels as string) as string[],
    snoozedUntil: r.snoozed_until as number | null,
    lastSeq: r.last_seq as number,
  };
}

/** Links stored before S16 carry no `verified` flag: nobody proved them, so they count as unverified. */
function readContact(json: string): ContactRef {
  const c = JSON.parse(json) as Omit<ContactRef, "verified"> & { verified?: boolean };
  return { ...c, name: plainLabelOrNull(c.name), verified: c.verified === true };
}

export interface ConversationInit {
  id: string;
  channel: Channel;
  visitorKey?: string | null;
  messengerPsid?: string | null;
  contact?: ContactRef | null;
  subject?: string | null;
}

export function insertConversation(sql: SqlStorage, init: ConversationInit, at: number): void {
  sql.exec(
    `INSERT INTO conversation (id, channel, contact, subject, visitor_key, messenger_psid, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    init.id,
    init.channel,
    init.contact ? JSON.stringify(init.contact) : null,
    init.subject ?? null,
    init.visitorKey ?? null,
    init.messengerPsid ?? null,
    at,
  );
}

/** Column updates for the single conversation row; every change bumps `version`. */
export function updateConversation(
  sql: SqlStorage,
  changes: Record<string, SqlStorageValue>,
  bumpVersion = true,
): void {
  const keys = Object.keys(changes);
  const sets = keys.map((k) => `${k} = ?`);
  if (bumpVersion) sets.push("version = version + 1");
  if (sets.length === 0) return;
  sql.exec(`UPDATE conversation SET ${sets.join(", ")}`, ...keys.map((k) => changes[k]!));
}

interface NewItem {
  clientId: string | null;
  author: Author;
  text: string;
  /** When it happened on its channel, if not now. */
  at?: number;
}

/** A customer's message or an agent's reply, on a channel. */
export interface NewChannelMessage extends NewItem {
  kind: "customer" | "reply";
  channel: Channel;
  /** The message's id on its channel (a Messenger mid, an email's key): stored once per id. */
  externalId?: string | null;
  /** "sending" until an external channel confirms it; "sent" by default. */
  status?: Message["status"];
  /** An id chosen by the caller (email stores attachments under it before the message exists). */
  id?: string;
  email?: EmailDetails | null;
  /** Customer messages reopen the conversation and mark it unread (S5), except auto-replies (S23). */
  reopens?: boolean;
}

export type NewMessage =
  | NewChannelMessage
  | (NewItem & { kind: "note"; mentions: string[] })
  | (NewItem & { kind: "event"; event: TimelineEvent });

const INTERNAL = "internal";

export function insertMessage(sql: SqlStorage, conversationId: string, m: NewMessage, at: number): Message {
  const onChannel = m.kind === "customer" || m.kind === "reply";
  const id = (onChannel && m.id) || newMessageId();
  const detail = m.kind === "note" ? { mentions: m.mentions } : m.kind === "event" ? m.event : null;
  // `seq` is the rowid: SQLite gives a new row max(seq) + 1, and messages are never deleted, so the
  // numbers have no gaps.
  const row = sql
    .exec<Row>(
      `INSERT INTO messages (id, client_id, kind, channel, direction, author_kind, author_id, author_name, text, created_at, external_id, status, email, detail)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
      id,
      m.clientId,
      m.kind,
      onChannel ? m.channel : INTERNAL,
      onChannel ? (m.kind === "customer" ? "inbound" : "outbound") : INTERNAL,
      m.author.kind,
      m.author.id,
      m.author.name,
      m.text,
      at,
      (onChannel && m.externalId) || null,
      (onChannel && m.status) || "sent",
      onChannel && m.email ? JSON.stringify(m.email) : null,
      detail ? JSON.stringify(detail) : null,
    )
    .one();
  return toMessage(conversationId, row);
}

export function messageByClientId(sql: SqlStorage, conversationId: string, clientId: string): Message | null {
  const r = sql.exec<Row>("SELECT * FROM messages WHERE client_id = ?", clientId).toArray()[0];
  return r ? toMessage(conversationId, r) : null;
}

export interface MessagePage {
  after?: number;
  before?: number;
  limit: number;
  /** Only what the visitor's widget shows (S15, S33: no email, no Messenger, no note, no event). */
  visitorOnly?: boolean;
}

/** `reachesVisitor` of the protocol as SQL: the kinds a customer sees, on the chat channel. */
const VISITOR_FILTER = `AND channel = 'chat' AND kind IN (${TIMELINE_KINDS.filter((k) => TIMELINE[k].customerSees)
  .map((k) => `'${k}'`)
  .join(", ")})`;

/** Messages in ascending `seq`: after `after`, or the latest `limit` before `before` (or overall). */
export function listMessages(sql: SqlStorage, conversationId: string, page: MessagePage): Message[] {
  const filter = page.visitorOnly ? VISITOR_FILTER : "";
  const rows =
    page.after !== undefined
      ? sql.exec<Row>(`SELECT * FROM messages WHERE seq > ? ${filter} ORDER BY seq ASC LIMIT ?`, page.after, page.limit)
      : sql.exec<Row>(
          `SELECT * FROM (SELECT * FROM messages WHERE seq < ? ${filter} ORDER BY seq DESC LIMIT ?) ORDER BY seq ASC`,
          page.before ?? Number.MAX_SAFE_INTEGER,
          page.limit,
        );
  return rows.toArray().map((r) => toMessage(conversationId, r));
}

/** Details stored before S28's limits are read as they would be stored today. */
function readEmail(json: string): EmailDetails {
  const e = JSON.parse(json) as EmailDetails;
  return {
    ...e,
    subject: plainLabelOrNull(e.subject, MAX_SUBJECT_CHARS),
    attachments: e.attachments.map((a) => ({ ...a, filename: plainLabel(a.filename) })),
  };
}

function toMessage(conversationId: string, r: Row): Message {
  const base = {
    id: r.id as string,
    conversationId,
    seq: r.seq as number,
    clientId: r.client_id as string | null,
    author: {
      kind: r.author_kind as Author["kind"],
      id: r.author_id as string | null,
      name: plainLabelOrNull(r.author_name as string | null),
    },
    text: r.text as string,
    createdAt: r.created_at as number,
    status: r.status as Message["status"],
    error: (r.error as string | null) ?? null,
    email: r.email ? readEmail(r.email as string) : null,
  };
  const kind = r.kind as TimelineKind;
  if (kind === "note")
    return {
      ...base,
      kind,
      channel: null,
      direction: INTERNAL,
      mentions: (JSON.parse(r.detail as string) as { mentions: string[] }).mentions,
    };
  if (kind === "event")
    return {
      ...base,
      kind,
      channel: null,
      direction: INTERNAL,
      event: JSON.parse(r.detail as string) as TimelineEvent,
    };
  return { ...base, kind, channel: r.channel as Channel, direction: r.direction as "inbound" | "outbound" };
}

export function summarize(s: ConversationState): ConversationSummary {
  return {
    id: s.id,
    channel: s.channel,
    status: s.status,
    read: s.read,
    contact: s.contact,
    subject: s.subject,
    preview: s.preview,
    lastMessageAt: s.lastMessageAt ?? s.createdAt,
    lastInboundAt: s.lastInboundAt,
    createdAt: s.createdAt,
    version: s.version,
    lastSeq: s.lastSeq,
    personName: s.personName,
    assignee: s.assignee,
    labels: s.labels,
    snoozedUntil: s.snoozedUntil,
  };
}

export function messageByExternalId(sql: SqlStorage, conversationId: string, externalId: string): Message | null {
  const r = sql.exec<Row>("SELECT * FROM messages WHERE external_id = ?", externalId).toArray()[0];
  return r ? toMessage(conversationId, r) : null;
}

export function messageById(sql: SqlStorage, conversationId: string, id: string): Message | null {
  const r = sql.exec<Row>("SELECT * FROM messages WHERE id = ?", id).toArray()[0];
  return r ? toMessage(conversationId, r) : null;
}

/** Sets a message's status (and failure reason); returns it, or null if nothing changed. */
export function setMessageStatus(
  sql: SqlStorage,
  conversationId: string,
  seq: number,
  status: Message["status"],
  error: string | null = null,
  externalId?: string,
): Message | null {
  const changed = sql.exec(
    "UPDATE messages SET status = ?, error = ?, external_id = coalesce(?, external_id) WHERE seq = ? AND (status != ? OR coalesce(error, '') != coalesce(?, '') OR (? IS NOT NULL AND external_id IS NULL))",
    status,
    error,
    externalId ?? null,
    seq,
    status,
    error,
    externalId ?? null,
  ).rowsWritten;
  if (changed === 0) return null;
  const r = sql.exec<Row>("SELECT * FROM messages WHERE seq = ?", seq).one();
  return toMessage(conversationId, r);
}

/**
 * Receipts (S27): our replies on `channel` sent up to `watermark` become delivered (or read). Status
 * only moves forward: sending/sent → delivered → read. Returns the messages that changed.
 */
export function applyReceipt(
  sql: SqlStorage,
  conversationId: string,
  channel: Channel,
  watermark: number,
  status: "delivered" | "read",
): Message[] {
  const from = status === "read" ? ["sent", "delivered"] : ["sent"];
  const rows = sql
    .exec<Row>(
      `UPDATE messages SET status = ? WHERE channel = ? AND kind = 'reply' AND created_at <= ?
       AND status IN (${from.map(() => "?").join(", ")}) RETURNING *`,
      status,
      channel,
      watermark,
      ...from,
    )
    .toArray();
  return rows.map((r) => toMessage(conversationId, r)).sort((a, b) => a.seq - b.seq);
}
