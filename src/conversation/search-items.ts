import type { Author, EmailDetails } from "../protocol";
import { TIMELINE, TIMELINE_KINDS } from "../protocol";
import type { SearchItem } from "../search/documents";
import type { ConversationState } from "./storage";

/** Items per write, and their text: a conversation with a long history sends it over several writes. */
const MAX_ITEMS = 200;
const MAX_CHARS = 300_000;
const SEARCHABLE = TIMELINE_KINDS.filter((k) => TIMELINE[k].searchable);

type Row = Record<string, SqlStorageValue>;

/**
 * S41: the searchable items after `indexed_seq` (not yet confirmed in the search index), and the seq the
 * index is complete up to once they are written. An email is searched by its subject and readable text;
 * its folded quotes are not indexed (they repeat the thread's earlier messages, each indexed on its own).
 */
export function unindexedItems(sql: SqlStorage, s: ConversationState): { items: SearchItem[]; upTo: number } {
  const rows = sql
    .exec<Row>(
      `SELECT seq, kind, channel, author_kind, author_name, text, email, created_at FROM messages
       WHERE seq > ? AND kind IN (${SEARCHABLE.map(() => "?").join(", ")}) ORDER BY seq LIMIT ?`,
      s.indexedSeq,
      ...SEARCHABLE,
      MAX_ITEMS,
    )
    .toArray();
  const items: SearchItem[] = [];
  let chars = 0;
  for (const r of rows) {
    const email = r.email ? (JSON.parse(r.email as string) as EmailDetails) : null;
    const text = [email?.subject, r.text as string].filter(Boolean).join("\n");
    if (items.length && chars + text.length > MAX_CHARS) return { items, upTo: items.at(-1)!.seq };
    chars += text.length;
    const kind = r.kind as SearchItem["kind"];
    const customer = kind === "customer";
    const author = [
      r.author_name as string | null,
      email?.from,
      customer ? s.contact?.name : null,
      customer ? s.contact?.email : null,
      customer ? s.personName : null,
    ];
    items.push({
      seq: r.seq as number,
      kind,
      channel: kind === "note" ? null : (r.channel as SearchItem["channel"]),
      authorKind: r.author_kind as Author["kind"],
      authorName: r.author_name as string | null,
      author: [...new Set(author.filter(Boolean))].join("\n"),
      text,
      createdAt: r.created_at as number,
    });
  }
  return { items, upTo: rows.length === MAX_ITEMS ? items.at(-1)!.seq : s.lastSeq };
}
