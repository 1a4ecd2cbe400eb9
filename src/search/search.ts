import type { AuthorKind, Channel, ConversationSummary } from "../protocol";
import { ROWID_PER_MS } from "./documents";
import { type AssigneeFilter, matchExpression, type ParsedQuery } from "./query";
import { MARK_END, MARK_START, type SnippetPart, snippetParts } from "./text";

export type SearchSort = "newest" | "relevance";

/** A message that matched (or, with `message: null`, the conversation's contact or subject). */
export interface SearchHit {
  conversation: ConversationSummary;
  message: {
    seq: number;
    kind: "customer" | "reply" | "note";
    channel: Channel | null;
    author: { kind: AuthorKind; name: string | null };
    createdAt: number;
  } | null;
  snippet: SnippetPart[];
}

/** The filters resolved against the main database: agent and label ids. */
export interface ResolvedFilters {
  /** null: unassigned. */
  assignees: (string | null)[];
  labelIds: string[];
}

export interface SearchPage {
  hits: SearchHit[];
  nextCursor: string | null;
}

const SNIPPET_TOKENS = 24;
/**
 * With sort=relevance, the newest this many matches are ranked (bm25): ranking every match of a common
 * word over a million messages costs far more than the 50 ms budget. Measured over 1,000,000 messages
 * (bench/search-bench.mjs): bm25 itself first counts every match of each word (about 10 ms of CPU for the
 * commonest), then each scored row adds up; 2,000 rows cost about twice what 500 do.
 */
export const RELEVANCE_WINDOW = 500;

interface HitRow {
  /** Text: row ids are beyond JavaScript's exact integers. */
  id: string;
  conversation_id: string;
  seq: number;
  kind: string;
  channel: string;
  author_kind: string | null;
  author_name: string | null;
  created_at: number;
  summary: string;
  snippet: string;
}

/** The SQL and parameters of one page; exported for the bench, which runs the same statement. */
export function searchSql(
  q: ParsedQuery,
  f: ResolvedFilters,
  page: { sort: SearchSort; cursor: string | null; limit: number },
): { sql: string; params: (string | number)[] } {
  const params: (string | number)[] = [matchExpression(q)];
  const p = (v: string | number) => {
    params.push(v);
    return `?${params.length}`;
  };
  const where = ["search_fts MATCH ?1"];
  // Row ids are time-ordered (documents.ts): dates and the cursor are ranges of them, computed in SQL.
  if (q.after !== null) where.push(`search_fts.rowid >= ${p(q.after)} * ${ROWID_PER_MS}`);
  if (q.before !== null) where.push(`search_fts.rowid < ${p(q.before)} * ${ROWID_PER_MS}`);
  if (page.sort === "newest" && page.cursor) where.push(`search_fts.rowid < CAST(${p(page.cursor)} AS INTEGER)`);
  if (q.in.length) where.push(`m.channel IN (${q.in.map((x) => p(x)).join(", ")})`);
  if (q.is.length) {
    const states = q.is.map((s) =>
      s === "complete"
        ? "c.status = 'complete'"
        : `(c.status = 'open' AND c.snoozed_until IS ${s === "snoozed" ? "NOT NULL" : "NULL"})`,
    );
    where.push(`(${states.join(" OR ")})`);
  }
  if (q.assignee.length) {
    const ids = f.assignees.filter((a): a is string => a !== null);
    const any = [
      ...(f.assignees.includes(null) ? ["c.assignee_id IS NULL"] : []),
      ...(ids.length ? [`c.assignee_id IN (${ids.map((id) => p(id)).join(", ")})`] : []),
    ];
    where.push(any.length ? `(${any.join(" OR ")})` : "0");
  }
  for (const id of f.labelIds) where.push(`EXISTS (SELECT 1 FROM json_each(c.labels) WHERE value = ${p(id)})`);
  const columns = `CAST(m.id AS TEXT) AS id, m.conversation_id, m.seq, m.kind, m.channel, m.author_kind, m.author_name, m.created_at, c.summary,
    snippet(search_fts, 0, char(${MARK_START.codePointAt(0)}), char(${MARK_END.codePointAt(0)}), '…', ${SNIPPET_TOKENS}) AS snippet`;
  const from = `search_fts JOIN search_messages AS m ON m.id = search_fts.rowid
    JOIN search_conversations AS c ON c.id = m.conversation_id`;
  if (page.sort === "newest") {
    return {
      sql: `SELECT ${columns} FROM ${from} WHERE ${where.join(" AND ")} ORDER BY search_fts.rowid DESC LIMIT ${p(page.limit + 1)}`,
      params,
    };
  }
  // Relevance: the newest RELEVANCE_WINDOW matches are scored (bm25 only: a snippet costs more than a
  // score), the page is taken by score, and only its rows are read again for their snippets.
  const offset = page.cursor ? Number(page.cursor.slice(1)) : 0;
  return {
    sql: `WITH scored AS (
        SELECT search_fts.rowid AS rid, bm25(search_fts, 1.0, 0.5) AS score FROM ${from}
        WHERE ${where.join(" AND ")} ORDER BY search_fts.rowid DESC LIMIT ${RELEVANCE_WINDOW}),
      page AS (SELECT rid, score FROM scored ORDER BY score, rid DESC LIMIT ${p(page.limit + 1)} OFFSET ${p(offset)})
      SELECT ${columns} FROM page CROSS JOIN ${from}
      WHERE search_fts.rowid = page.rid AND search_fts MATCH ?1 ORDER BY page.score, page.rid DESC`,
    params,
  };
}

function toHit(r: HitRow): SearchHit {
  return {
    conversation: JSON.parse(r.summary) as ConversationSummary,
    message:
      r.kind === "conversation"
        ? null
        : {
            seq: r.seq,
            kind: r.kind as "customer" | "reply" | "note",
            channel: r.channel === "note" ? null : (r.channel as Channel),
            author: { kind: (r.author_kind ?? "system") as AuthorKind, name: r.author_name },
            createdAt: r.created_at,
          },
    snippet: snippetParts(r.snippet ?? ""),
  };
}

export async function search(
  d1: D1Database,
  q: ParsedQuery,
  f: ResolvedFilters,
  page: { sort: SearchSort; cursor: string | null; limit: number },
): Promise<SearchPage> {
  const { sql, params } = searchSql(q, f, page);
  const { results } = await d1
    .prepare(sql)
    .bind(...params)
    .all<HitRow>();
  const rows = results.slice(0, page.limit);
  const more = results.length > page.limit;
  const last = rows.at(-1);
  const offset = page.cursor?.startsWith("o") ? Number(page.cursor.slice(1)) : 0;
  const nextCursor = !more || !last ? null : page.sort === "newest" ? last.id : `o${offset + rows.length}`;
  return { hits: rows.map(toHit), nextCursor };
}

/** Who `assignee:` names, from the main database; a name nobody has is the caller's mistake. */
export async function resolveFilters(
  db: D1Database,
  q: ParsedQuery,
  me: string,
): Promise<{ ok: true; filters: ResolvedFilters } | { ok: false; message: string }> {
  const assignees: (string | null)[] = [];
  for (const a of q.assignee as AssigneeFilter[]) {
    if (a.kind === "me") assignees.push(me);
    else if (a.kind === "none") assignees.push(null);
    else {
      const { results } = await db
        .prepare(
          "SELECT id FROM agents WHERE lower(name) = lower(?1) OR lower(email) = lower(?1) OR lower(name) LIKE lower(?1) || ' %'",
        )
        .bind(a.name)
        .all<{ id: string }>();
      if (!results.length) return { ok: false, message: `assignee: no agent is called "${a.name}"` };
      assignees.push(...results.map((r) => r.id));
    }
  }
  const labelIds: string[] = [];
  for (const name of q.labels) {
    // A name, or an id (the inbox's label views send theirs).
    const row = await db
      .prepare("SELECT id FROM labels WHERE id = ?1 OR lower(name) = lower(?1)")
      .bind(name)
      .first<{ id: string }>();
    if (!row) return { ok: false, message: `label: no label is called "${name}"` };
    labelIds.push(row.id);
  }
  return { ok: true, filters: { assignees, labelIds } };
}
