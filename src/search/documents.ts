import type { AuthorKind, Channel, ConversationSummary } from "../protocol";
import { indexable } from "./text";

/**
 * One searchable item of a conversation's timeline (S41), as the conversation sends it with its summary:
 * a customer message, a reply or a note (`TIMELINE[kind].searchable`; events are not).
 */
export interface SearchItem {
  seq: number;
  kind: "customer" | "reply" | "note";
  /** The message's channel; notes have none. */
  channel: Channel | null;
  authorKind: AuthorKind;
  authorName: string | null;
  /** Names and addresses of the author, for from: (the sender's address, the contact's). */
  author: string;
  /** What is searched: the text, and an email's subject. */
  text: string;
  createdAt: number;
}

export interface SearchDocument {
  summary: ConversationSummary;
  /** Items not yet confirmed indexed; the same item sent again replaces its entry. */
  items?: SearchItem[];
}

/**
 * Row ids are created_at * 2^20 + a counter within the millisecond: time-ordered and unique. They are
 * beyond JavaScript's exact integers (2^53), so they leave SQL only as text (the search cursor).
 */
export const ROWID_PER_MS = 1_048_576;
/** Keeps each JSON parameter well under D1's 2 MB value limit. */
const CHUNK_CHARS = 400_000;

interface Row {
  /** Among this statement's rows with the same `at`: their counters within the millisecond differ by it. */
  o?: number;
  c: string;
  s: number;
  k: string;
  ch: string;
  ak: string | null;
  an: string | null;
  at: number;
  t: string;
  a: string;
}

/** The conversation itself as an item at seq 0: its contact's name and address, its subject. */
function conversationRow(s: ConversationSummary): Row {
  const text = [s.contact?.name, s.contact?.email, s.personName, s.subject].filter(Boolean).join("\n");
  return {
    c: s.id,
    s: 0,
    k: "conversation",
    ch: s.channel,
    ak: null,
    an: null,
    at: s.createdAt,
    t: indexable(text),
    a: "",
  };
}

function itemRow(conversationId: string, i: SearchItem): Row {
  return {
    c: conversationId,
    s: i.seq,
    k: i.kind,
    ch: i.channel ?? "note",
    ak: i.authorKind,
    an: i.authorName,
    at: i.createdAt,
    t: indexable(i.text),
    a: indexable(i.author),
  };
}

function chunks(rows: Row[]): Row[][] {
  const out: Row[][] = [];
  let current: Row[] = [];
  let size = 0;
  for (const r of rows) {
    const n = r.t.length + r.a.length + 200;
    if (current.length && size + n > CHUNK_CHARS) {
      out.push(current);
      current = [];
      size = 0;
    }
    current.push(r);
    size += n;
  }
  if (current.length) out.push(current);
  return out;
}

/**
 * The statements that write documents to the search database: the conversations' filter columns (newer
 * versions only), then each item keyed by (conversation, seq) — an item written again keeps its row id
 * and its words are replaced, so a retried batch leaves one entry. A few statements per batch, whatever
 * the number of items (they travel as JSON).
 */
export function searchStatements(d1: D1Database, docs: SearchDocument[]): D1PreparedStatement[] {
  const newest = new Map<string, ConversationSummary>();
  for (const { summary } of docs) {
    const seen = newest.get(summary.id);
    if (!seen || summary.version > seen.version) newest.set(summary.id, summary);
  }
  if (newest.size === 0) return [];
  const conversations = [...newest.values()].map((s) => ({
    id: s.id,
    v: s.version,
    st: s.status,
    sn: s.snoozedUntil,
    as: s.assignee?.id ?? null,
    l: JSON.stringify(s.labels),
    j: JSON.stringify(s),
  }));
  const statements = [
    d1
      .prepare(
        `INSERT INTO search_conversations (id, version, status, snoozed_until, assignee_id, labels, summary)
         SELECT value->>'id', value->>'v', value->>'st', value->>'sn', value->>'as', value->>'l', value->>'j'
         FROM json_each(?1) WHERE true
         ON CONFLICT (id) DO UPDATE SET version = excluded.version, status = excluded.status,
           snoozed_until = excluded.snoozed_until, assignee_id = excluded.assignee_id, labels = excluded.labels,
           summary = excluded.summary
         WHERE excluded.version > search_conversations.version`,
      )
      .bind(JSON.stringify(conversations)),
  ];
  const rows = [...newest.values()].map(conversationRow);
  for (const d of docs) for (const i of d.items ?? []) rows.push(itemRow(d.summary.id, i));
  for (const chunk of chunks(rows)) {
    const sameMs = new Map<number, number>();
    for (const r of chunk) {
      r.o = sameMs.get(r.at) ?? 0;
      sameMs.set(r.at, r.o + 1);
    }
    const json = JSON.stringify(chunk);
    statements.push(
      d1
        .prepare(
          `INSERT INTO search_messages (id, conversation_id, seq, kind, channel, author_kind, author_name, created_at)
           SELECT coalesce(
               (SELECT max(id) FROM search_messages
                WHERE id >= (j.value->>'at') * ${ROWID_PER_MS} AND id < (j.value->>'at' + 1) * ${ROWID_PER_MS}),
               (j.value->>'at') * ${ROWID_PER_MS} - 1) + 1 + (j.value->>'o'),
             j.value->>'c', j.value->>'s', j.value->>'k', j.value->>'ch', j.value->>'ak', j.value->>'an', j.value->>'at'
           FROM json_each(?1) AS j WHERE true
           ON CONFLICT (conversation_id, seq) DO UPDATE SET kind = excluded.kind, channel = excluded.channel,
             author_kind = excluded.author_kind, author_name = excluded.author_name
           WHERE search_messages.kind IS NOT excluded.kind OR search_messages.channel IS NOT excluded.channel
             OR search_messages.author_kind IS NOT excluded.author_kind
             OR search_messages.author_name IS NOT excluded.author_name`,
        )
        .bind(json),
      d1
        .prepare(
          // Words already there as they are (the conversation's own entry on every summary, an item sent
          // again) are not rewritten: FTS5 would delete and insert them, rows D1 bills.
          `INSERT OR REPLACE INTO search_fts (rowid, text, author)
           SELECT m.id, j.value->>'t', j.value->>'a' FROM json_each(?1) AS j
           JOIN search_messages AS m ON m.conversation_id = j.value->>'c' AND m.seq = j.value->>'s'
           WHERE NOT EXISTS (SELECT 1 FROM search_fts AS f
             WHERE f.rowid = m.id AND f.text = j.value->>'t' AND f.author = j.value->>'a')`,
        )
        .bind(json),
    );
  }
  return statements;
}

/** Writes documents in one atomic batch of the search database. */
export async function writeSearch(d1: D1Database, docs: SearchDocument[]): Promise<void> {
  const statements = searchStatements(d1, docs);
  if (statements.length) await d1.batch(statements);
}
