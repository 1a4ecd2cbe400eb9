// S41's bench: the search database (created by its migrations in wrangler's local D1 folder) seeded
// straight, not through 100,000 objects, with the product's own write statements (src/search/documents.ts),
// from a fixed vocabulary with Zipf-like word frequencies; then each query kind timed with the product's
// own query code (src/search/search.ts) on that SQLite file, in process: wrangler's Node-to-workerd proxy
// costs more than the queries themselves (its figure is reported beside them as d1_proxy_floor).
//   node bench/search-bench.mjs [--quick]   (also run as a section of `npm run bench`)
import { readdirSync, rmSync, statSync, mkdtempSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { d1Target, wrangler } from "../scripts/wrangler.mjs";
import { LatencyRecorder } from "./latency-recorder.mjs";

/** The product's search modules, bundled for Node (their imports have no extensions). */
export async function searchModules() {
  const out = join(mkdtempSync(join(tmpdir(), "search-bench-")), "search.mjs");
  await build({
    stdin: {
      contents: ["documents", "query", "search"].map((m) => `export * from "./src/search/${m}.ts";`).join("\n"),
      resolveDir: process.cwd(),
      loader: "ts",
    },
    bundle: true,
    format: "esm",
    platform: "neutral",
    outfile: out,
    logLevel: "error",
  });
  return import(pathToFileURL(out).href);
}

/** A deterministic pseudo-random source (mulberry32). */
export function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = "ka ri to me su la no ve pi da go ru ne ti sa mo be lu fe zi ha ko".split(" ");

/**
 * A fixed vocabulary of `size` words, and a sampler that picks word rank r with probability ∝ 1/r (Zipf,
 * s = 1): rank 1 is in about one message word in ten, rank 10,000 in about one in a hundred thousand.
 */
export function vocabulary(size, rand) {
  const words = new Set();
  while (words.size < size) {
    const n = 2 + Math.floor(rand() * 3);
    let w = "";
    for (let i = 0; i < n; i++) w += SYLLABLES[Math.floor(rand() * SYLLABLES.length)];
    words.add(w);
  }
  const list = [...words];
  const cumulative = new Float64Array(size);
  let sum = 0;
  for (let r = 0; r < size; r++) cumulative[r] = sum += 1 / (r + 1);
  const pick = () => {
    const x = rand() * sum;
    let [lo, hi] = [0, size - 1];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return list[lo];
  };
  return { words: list, pick };
}

const START = Date.UTC(2025, 0, 1);
export const BENCH_LABEL = "lb_search";

/**
 * The documents of `conversations` conversations with `perConversation` items each, as the feed would
 * write them: customer messages and replies on the conversation's channel, a note now and then. Every
 * tenth conversation carries BENCH_LABEL (the filtered query keeps about 10 %).
 */
export function* benchDocuments({ conversations, perConversation, batch, seed = 41, vocabularySize = 20_000 }) {
  const rand = random(seed);
  const vocab = vocabulary(vocabularySize, rand);
  const channels = ["chat", "email", "messenger"];
  let docs = [];
  for (let i = 0; i < conversations; i++) {
    const channel = channels[i % 3];
    const createdAt = START + i * perConversation * 3000;
    const name = `Person ${i}`;
    const items = [];
    for (let seq = 1; seq <= perConversation; seq++) {
      const note = seq % 10 === 0;
      const customer = !note && seq % 2 === 1;
      const length = 6 + Math.floor(rand() * 14);
      const text = Array.from({ length }, vocab.pick).join(" ");
      items.push({
        seq,
        kind: note ? "note" : customer ? "customer" : "reply",
        channel: note ? null : channel,
        authorKind: customer ? "contact" : "agent",
        authorName: customer ? name : `Agent ${i % 5}`,
        author: customer ? `${name}\nperson${i}@example.com` : `Agent ${i % 5}`,
        text,
        createdAt: createdAt + seq * 3000,
      });
    }
    const summary = {
      id: `c_${String(i).padStart(32, "0")}`,
      channel,
      status: i % 3 === 0 ? "open" : "complete",
      read: true,
      contact: { id: `ct_${i}`, name, email: `person${i}@example.com`, verified: true },
      subject: channel === "email" ? Array.from({ length: 4 }, vocab.pick).join(" ") : null,
      preview: items.at(-1).text.slice(0, 140),
      lastMessageAt: items.at(-1).createdAt,
      lastInboundAt: items.at(-1).createdAt,
      createdAt,
      version: perConversation * 2,
      lastSeq: perConversation,
      personName: null,
      assignee: i % 7 === 0 ? { id: "bench-agent", name: "Bench Agent" } : null,
      labels: i % 10 === 0 ? [BENCH_LABEL] : [],
      snoozedUntil: null,
    };
    docs.push({ summary, items });
    if (docs.length === batch) {
      yield docs;
      docs = [];
    }
  }
  if (docs.length) yield docs;
  return vocab;
}

/** The D1 interface `searchStatements` uses, over node:sqlite: statements as (sql, params). */
function recordingD1() {
  return {
    prepare: (sql) => ({
      sql,
      params: [],
      bind(...p) {
        return { sql, params: p };
      },
    }),
  };
}

/** The local search database's SQLite file under a wrangler persist folder. */
function searchFile(persistTo, before) {
  const dir = join(persistTo, "v3", "d1", "miniflare-D1DatabaseObject");
  const files = readdirSync(dir).filter((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite" && !before.includes(f));
  if (files.length !== 1) throw new Error(`expected one new D1 file in ${dir}, found ${files.join(", ")}`);
  return join(dir, files[0]);
}

function sqliteFiles(persistTo) {
  try {
    return readdirSync(join(persistTo, "v3", "d1", "miniflare-D1DatabaseObject")).filter((f) => f.endsWith(".sqlite"));
  } catch {
    return [];
  }
}

/**
 * Creates the SEARCH database in `persistTo` (its migrations) and seeds it through the product's write
 * statements, group-commit sized batches in transactions. Returns the time and bytes per message.
 */
export async function seedSearch({ persistTo, conversations, perConversation, modules, log = () => {} }) {
  const before = sqliteFiles(persistTo);
  await wrangler(["d1", "migrations", "apply", "SEARCH", ...d1Target({ persistTo })]);
  const file = searchFile(persistTo, before);
  const db = new DatabaseSync(file);
  const d1 = recordingD1();
  const messages = conversations * perConversation;
  const started = performance.now();
  let written = 0;
  // 50 conversations per batch: the feed's INDEX_BATCH.
  const docs = benchDocuments({ conversations, perConversation, batch: 50 });
  let vocab;
  for (;;) {
    const next = docs.next();
    if (next.done) {
      vocab = next.value;
      break;
    }
    db.exec("BEGIN");
    for (const s of modules.searchStatements(d1, next.value)) db.prepare(s.sql).run(...s.params);
    db.exec("COMMIT");
    written += next.value.length * perConversation;
    if (written % 100_000 < 50 * perConversation) log(`  search: ${written.toLocaleString("en-US")} messages written`);
  }
  const ms = performance.now() - started;
  db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  db.close();
  const bytes = statSync(file).size;
  return { messages, ms, msPerMessage: ms / messages, bytesPerMessage: bytes / messages, bytes, vocab, file };
}

/** The query kinds, each a list of queries of the same shape with different words. */
export function queryKinds(vocab, n) {
  const w = vocab.words;
  const pick = (from, i) => w[from + (i % 10)];
  return {
    common: Array.from({ length: n }, (_, i) => ({ q: pick(0, i) })),
    rare: Array.from({ length: n }, (_, i) => ({ q: pick(5000, i) })),
    phrase: Array.from({ length: n }, (_, i) => ({ q: `"${pick(0, i)} ${pick(1, i)}"` })),
    prefix: Array.from({ length: n }, (_, i) => ({ q: `${pick(0, i).slice(0, 3)}*` })),
    filtered: Array.from({ length: n }, (_, i) => ({ q: `${pick(0, i)} label:bench`, labelIds: [BENCH_LABEL] })),
    relevance: Array.from({ length: n }, (_, i) => ({ q: pick(0, i), sort: "relevance" })),
  };
}

/** Times each query kind through the D1 binding and the product's search(); p50/p99 in ms, and hits per page. */
export async function timeQueries({ d1, modules, vocab, requests, warmup = 5 }) {
  const figures = {};
  for (const [kind, queries] of Object.entries(queryKinds(vocab, warmup + requests))) {
    const [recorder, cpu] = [new LatencyRecorder(), new LatencyRecorder()];
    let hits = 0;
    for (const [i, { q, sort = "newest", labelIds = [] }] of queries.entries()) {
      const parsed = modules.parseQuery(q);
      if (!parsed.ok) throw new Error(`${q}: ${parsed.message}`);
      const [t, c] = [performance.now(), process.cpuUsage()];
      const page = await modules.search(
        d1,
        parsed.query,
        { assignees: [], labelIds },
        { sort, cursor: null, limit: 20 },
      );
      if (i >= warmup) {
        recorder.record(performance.now() - t);
        // CPU time of this process: the query's own cost, whatever else the machine runs meanwhile.
        const used = process.cpuUsage(c);
        cpu.record((used.user + used.system) / 1000);
        hits += page.hits.length;
      }
    }
    const [s, sc] = [recorder.summary(), cpu.summary()];
    figures[kind] = { p50: s.p50, p99: s.p99, cpuP50: sc.p50, cpuP99: sc.p99, hitsPerPage: hits / requests };
  }
  return figures;
}

/** The D1 calls `search()` makes, over node:sqlite (read-only, on the seeded file). */
export function sqliteD1(file) {
  const db = new DatabaseSync(file, { readOnly: true });
  return {
    d1: {
      prepare: (sql) => ({
        bind: (...params) => ({ all: async () => ({ results: db.prepare(sql).all(...params) }) }),
      }),
    },
    version: db.prepare("SELECT sqlite_version() AS v").get().v,
    dispose: async () => db.close(),
  };
}

/**
 * Through wrangler's local D1 (getPlatformProxy): p50 of `SELECT 1`, the floor of any query timed that way,
 * and D1's own `rows_written` for the search write of one new message (what D1 bills).
 */
async function throughD1(persistTo, modules) {
  process.env.WRANGLER_LOG ??= "error";
  const { getPlatformProxy } = await import("wrangler");
  const proxy = await getPlatformProxy({ persist: { path: `${persistTo}/v3` } });
  try {
    const recorder = new LatencyRecorder();
    for (let i = 0; i < 60; i++) {
      const t = performance.now();
      await proxy.env.SEARCH.prepare("SELECT 1").all();
      if (i >= 10) recorder.record(performance.now() - t);
    }
    const [docs] = benchDocuments({ conversations: 1, perConversation: 11, batch: 1, seed: 7 });
    const doc = { summary: { ...docs[0].summary, version: 1e9 }, items: docs[0].items.slice(-1) };
    const results = await proxy.env.SEARCH.batch(modules.searchStatements(proxy.env.SEARCH, [doc]));
    const rowsWritten = results.reduce((n, r) => n + r.meta.rows_written, 0);
    return { floor: recorder.summary().p50, rowsWritten };
  } finally {
    await proxy.dispose();
  }
}

/** The whole section: seed, time, figures named for bench/results. */
export async function searchSection({ persistTo, quick, sizes: given, log = () => {} }) {
  const sizes =
    given ??
    (quick
      ? { conversations: 10_000, perConversation: 10, requests: 50 }
      : { conversations: 100_000, perConversation: 10, requests: 200 });
  const modules = await searchModules();
  const seeded = await seedSearch({ persistTo, ...sizes, modules, log });
  log(
    `search: seeded ${seeded.messages.toLocaleString("en-US")} messages in ${(seeded.ms / 1000).toFixed(1)} s, ${(seeded.bytes / 2 ** 20).toFixed(0)} MiB`,
  );
  const { floor, rowsWritten } = await throughD1(persistTo, modules);
  const { d1, version, dispose } = sqliteD1(seeded.file);
  try {
    const kinds = await timeQueries({ d1, modules, vocab: seeded.vocab, requests: sizes.requests });
    const figures = {
      "search.messages": seeded.messages,
      "search.conversations": sizes.conversations,
      "search.write_ms_per_message": seeded.msPerMessage,
      "search.bytes_per_message": seeded.bytesPerMessage,
      "search.d1_proxy_floor_p50_ms": floor,
      "search.d1_rows_written_per_message": rowsWritten,
    };
    for (const [kind, f] of Object.entries(kinds)) {
      figures[`search.${kind}_p50_ms`] = f.p50;
      figures[`search.${kind}_p99_ms`] = f.p99;
      figures[`search.${kind}_cpu_p50_ms`] = f.cpuP50;
      figures[`search.${kind}_cpu_p99_ms`] = f.cpuP99;
    }
    figures["search.hits_per_page_min"] = Math.min(...Object.values(kinds).map((f) => f.hitsPerPage));
    const load = loadavg()[0].toFixed(1);
    const note = `search: load average ${load} during the queries (wall-clock percentiles include waiting for a core; _cpu_ ones do not); hits per page of 20 — ${Object.entries(
      kinds,
    )
      .map(([k, f]) => `${k} ${f.hitsPerPage.toFixed(1)}`)
      .join(", ")}; search() of src/search/search.ts on the seeded D1 file in process (SQLite ${version})`;
    return { figures, note };
  } finally {
    await dispose();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const persistTo = mkdtempSync(join(tmpdir(), "search-bench-state-"));
  try {
    const { figures, note } = await searchSection({
      persistTo,
      quick: process.argv.includes("--quick"),
      log: console.log,
    });
    for (const [k, v] of Object.entries(figures)) console.log(`${k}\t${Number.isInteger(v) ? v : v.toFixed(3)}`);
    console.log(note);
    writeFileSync(join(persistTo, "done"), "");
  } finally {
    rmSync(persistTo, { recursive: true, force: true });
  }
}
