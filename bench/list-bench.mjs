// The inbox list over a big D1: seeds conversations with batched multi-row INSERTs (index rows only;
// they need no Durable Object), reads D1's own `meta.rows_read` for the list route's SQL, and times
// the real HTTP route.
import { writeFileSync } from "node:fs";
import { d1Target, wrangler } from "../scripts/wrangler.mjs";
import { LatencyRecorder } from "./latency-recorder.mjs";

/**
 * The SQL `listConversations` (src/inbox/conversation-index.ts) runs, as drizzle generates it, with its
 * parameters written in (a test checks this against drizzle's `.toSQL()`).
 */
export const CONVERSATION_COLUMNS = [
  "id",
  "channel",
  "contact_id",
  "contact_verified",
  "visitor_key",
  "messenger_psid",
  "status",
  "read",
  "subject",
  "person_name",
  "last_message_preview",
  "last_message_at",
  "last_inbound_at",
  "version",
  "last_seq",
  "created_at",
  "assignee_id",
  "assignee_name",
  "assigned_at",
  "snoozed_until",
  "labels",
];

/**
 * The list route's SQL for a page: all, a status, one assignee (Mine: an id; Unassigned: null), or one
 * label (paged over conversation_labels, as the route does).
 */
export function listSql({ status, assignee, label, limit = 50 } = {}) {
  const columns = CONVERSATION_COLUMNS.map((c) => `"conversations"."${c}"`);
  const where = [];
  if (status === "open") where.push(`"conversations"."status" = 'open'`, `"conversations"."snoozed_until" is null`);
  else if (status === "snoozed")
    where.push(`"conversations"."status" = 'open'`, `"conversations"."snoozed_until" is not null`);
  else if (status) where.push(`"conversations"."status" = 'complete'`);
  if (assignee === null) where.push(`"conversations"."assignee_id" is null`);
  else if (assignee) where.push(`"conversations"."assignee_id" = '${assignee}'`);
  if (label) where.push(`"conversation_labels"."label_id" = '${label}'`);
  const from = label
    ? `"conversation_labels" inner join "conversations" on "conversations"."id" = "conversation_labels"."conversation_id"`
    : `"conversations"`;
  const [at, id] = label
    ? [`"conversation_labels"."last_message_at"`, `"conversation_labels"."conversation_id"`]
    : [`"conversations"."last_message_at"`, `"conversations"."id"`];
  const filter =
    where.length === 0 ? "" : where.length === 1 ? ` where ${where[0]}` : ` where (${where.join(" and ")})`;
  return `select ${columns.join(", ")}, "contacts"."id", "contacts"."name", "contacts"."email" from ${from} left join "contacts" on "contacts"."id" = "conversations"."contact_id"${filter} order by ${at} desc, ${id} desc limit ${Number(limit)}`;
}

/** What GET /api/inbox/counts reads (`inboxCountsFor`): the counters' rows, never the conversations. */
export function countsSql(agentId) {
  return [
    `select "key", "n" from "inbox_counts" where "inbox_counts"."key" in ('all', 'unread', 'unassigned', 'snoozed', 'mine:${agentId}', 'mentions:${agentId}')`,
    `select "key", "n" from "inbox_counts" where ("inbox_counts"."key" >= 'label:' and "inbox_counts"."key" < 'label;')`,
  ];
}

/**
 * Multi-row INSERTs for `count` conversations: a mix of channels and states, newest last. Some open ones
 * are the bench agent's (`bench-agent`), some snoozed, some carry the label `lb_bench`, so the Mine,
 * Snoozed and label pages read real rows. D1's triggers fill `conversation_labels` and the counters.
 */
export function seedSql(
  count,
  {
    batch = 400,
    unreadShare = 0.05,
    openShare = 0.3,
    mineEvery = 7,
    snoozedEvery = 11,
    labelEvery = 13,
    start = Date.UTC(2026, 0, 1),
  } = {},
) {
  const channels = ["chat", "email", "messenger"];
  const statements = [];
  for (let from = 0; from < count; from += batch) {
    const rows = [];
    for (let i = from; i < Math.min(count, from + batch); i++) {
      const id = `bench-${String(i).padStart(7, "0")}`;
      const at = start + i * 60_000;
      const status = i % Math.round(1 / openShare) === 0 ? "open" : "complete";
      const read = i % Math.round(1 / unreadShare) === 0 ? 0 : 1;
      const mine = i % mineEvery === 0;
      const snoozedUntil = status === "open" && i % snoozedEvery === 0 ? Date.UTC(2100, 0, 1) : "NULL";
      const labels = i % labelEvery === 0 ? '["lb_bench"]' : "[]";
      rows.push(
        `('${id}','${channels[i % 3]}',NULL,NULL,NULL,'${status}',${read},'Seeded ${i}','Seeded preview ${i}',${at},${at},1,1,${at},0,'Person ${i}',${mine ? "'bench-agent','Bench Agent'" : "NULL,NULL"},${snoozedUntil},'${labels}')`,
      );
    }
    statements.push(
      `INSERT INTO conversations (id, channel, contact_id, visitor_key, messenger_psid, status, read, subject, last_message_preview, last_message_at, last_inbound_at, version, last_seq, created_at, contact_verified, person_name, assignee_id, assignee_name, snoozed_until, labels) VALUES\n${rows.join(",\n")};`,
    );
  }
  return statements.join("\n");
}

export async function seedConversations({ persistTo, count, file }) {
  writeFileSync(file, seedSql(count));
  await wrangler(["d1", "execute", "DB", ...d1Target({ persistTo }), "--file", file, "--yes"]);
}

/**
 * The local D1 as a binding (wrangler's getPlatformProxy on the same persist folder as the server):
 * its results carry D1's own `meta.rows_read` / `rows_written`, which `wrangler d1 execute --local --json`
 * leaves out.
 */
export async function openLocalD1(persistTo) {
  process.env.WRANGLER_LOG ??= "error";
  const { getPlatformProxy } = await import("wrangler");
  const proxy = await getPlatformProxy({ persist: { path: `${persistTo}/v3` } });
  return { db: proxy.env.DB, dispose: () => proxy.dispose() };
}

/** Runs one statement and returns D1's `meta` with the rows. */
export async function d1Meta(db, sql) {
  const result = await db.prepare(sql).all();
  return { ...result.meta, results: result.results };
}

/** Times `GET path` `requests` times, one after another, after `warmup` untimed ones. */
export async function timeRoute(url, cookie, { requests, warmup = 10 }) {
  const recorder = new LatencyRecorder();
  for (let i = 0; i < warmup + requests; i++) {
    const t = performance.now();
    const res = await fetch(url, { headers: { cookie } });
    if (res.status !== 200) throw new Error(`${url}: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
    if (i >= warmup) recorder.record(performance.now() - t);
  }
  return recorder.summary();
}
