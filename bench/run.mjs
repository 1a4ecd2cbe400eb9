#!/usr/bin/env node
// `npm run bench` (full, minutes) / `npm run bench -- --quick` (small sizes, under 2 minutes).
// Starts wrangler dev itself (state and a generated config in a temporary folder; the worker plus the
// bench-only doors and floor room) and the raw http + ws baseline, runs everything in one process, prints
// a Markdown table and writes bench/results/latest.json. See README "Performance".
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, totalmem, tmpdir, release } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { d1Target, wrangler } from "../scripts/wrangler.mjs";
import { BENCH_ORIGIN, chatRounds, hotRoom, newConversations, twoAgents } from "./chat-bench.mjs";
import { profileNote, startProfile, summariseProfile } from "./cpu-profile.mjs";
import { monthlyCost } from "./cost-model.mjs";
import { FLOOR_RECIPIENT } from "./bench-doors.ts";
import { acceptedMails, corpusMails, emailMix, ingest, ingestInWorker } from "./email-bench.mjs";
import { countsSql, d1Meta, listSql, openLocalD1, seedConversations, timeRoute } from "./list-bench.mjs";
import { searchSection } from "./search-bench.mjs";
import { typingFanout } from "./typing-bench.mjs";
import { budgetVerdicts, markdownTable, writeResults } from "./report.mjs";
import { startBaselineProcess, startWorker } from "./worker-server.mjs";

const quick = process.argv.includes("--quick");
const profiling = process.argv.includes("--profile");
const SIZES = quick
  ? {
      conversations: 50,
      rounds: 2,
      durationMs: 10_000,
      warmupMs: 2000,
      seeded: 10_000,
      listRequests: 50,
      emails: 300,
      endpointEmails: 100,
      hotRates: [25, 100, 200],
      hotStepMs: 2000,
    }
  : {
      conversations: 500,
      rounds: 3,
      durationMs: 30_000,
      warmupMs: 5000,
      seeded: 100_000,
      listRequests: 300,
      emails: 1200,
      endpointEmails: 300,
      hotRates: [25, 50, 100, 200, 300, 400, 600, 800],
      hotStepMs: 4000,
    };
const log = (line) => console.log(line);
const figures = {};
const notes = [];
const persistTo = mkdtempSync(join(tmpdir(), "inbox-bench-"));
let worker;
let baseline;
const cleanups = [];

/** With --profile: runs `fn` under the CPU profiler, keeps the profile and notes its summary. */
async function profiled(label, fn) {
  const profiler = profiling ? await startProfile({ inspector: worker.inspector }) : null;
  if (profiling && !profiler) notes.push(`profile ${label}: no inspector answered on ${worker.inspector}`);
  if (!profiler) return fn();
  try {
    return await fn();
  } finally {
    const profile = await profiler.stop();
    mkdirSync("bench/results", { recursive: true });
    writeFileSync(`bench/results/${label}.cpuprofile`, JSON.stringify(profile));
    notes.push(profileNote(label, summariseProfile(profile, readFileSync(worker.bundle, "utf8"))));
  }
}

function machine() {
  return {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    os: `${process.platform} ${release()}`,
    node: process.version,
  };
}

try {
  log(`# bench (${quick ? "quick" : "full"}), state in ${persistTo}`);
  // 1. D1 with migrations and N seeded conversations, before the server starts (same persist folder).
  await wrangler(["d1", "migrations", "apply", "DB", ...d1Target({ persistTo })]);
  let t = performance.now();
  await seedConversations({ persistTo, count: SIZES.seeded, file: join(persistTo, "seed.sql") });
  log(`seeded ${SIZES.seeded} conversations in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  // The product's worker, entered through bench/email-ingest-entry.ts (the worker plus the bench's doors:
  // email, and the chat's same-runtime floor room) with a generated config (bench/bench-config.mjs).
  // Presence: no ghost sweeps during the load; visitors go offline 1 s after a round (chat-bench.mjs settle()).
  // Posting limits (S28) lifted: the hot room measures what one conversation carries, not the limiter.
  const unlimited = {
    VISITOR_MESSAGES_PER_MINUTE: "1000000",
    VISITOR_MESSAGE_BURST: "1000000",
    AGENT_MESSAGES_PER_MINUTE: "1000000",
    AGENT_MESSAGE_BURST: "1000000",
  };
  worker = await startWorker({
    persistTo,
    env: {
      WIDGET_ORIGINS: BENCH_ORIGIN,
      PRESENCE_GRACE_MS: "1000",
      PRESENCE_STALE_MS: "600000",
      PRESENCE_SWEEP_MS: "600000",
      ...unlimited,
    },
  });
  baseline = await startBaselineProcess();
  log(`worker ${worker.url}, baseline ${baseline.url}`);

  // 2. Bytes on the wire (npm start just built public/).
  const widget = JSON.parse(readFileSync("public/build/widget-sizes.json", "utf8"));
  figures["widget.loader_gzip_bytes"] = widget.loaderGzip;
  figures["widget.total_gzip_bytes"] = widget.wholeGzip;
  figures["inbox.app_gzip_bytes"] = ["public/build/inbox.js", "public/build/inbox.css"].reduce(
    (n, f) => n + gzipSync(readFileSync(f), { level: 9 }).byteLength,
    0,
  );

  // 3. Chat: N conversations × (visitor + 2 agents) posting over HTTP and receiving on their sockets: ours,
  //    the same-runtime floor room (same wrangler dev) and the raw baseline, rounds alternating.
  const cookies = await twoAgents(worker.url);
  t = performance.now();
  const conversations = await newConversations(worker.url, SIZES.conversations);
  log(`created ${conversations.length} conversations in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const chat = await profiled("chat", () =>
    chatRounds({
      url: worker.url,
      baselineUrl: baseline.url,
      conversations,
      cookies,
      rounds: SIZES.rounds,
      intervalMs: 10_000,
      durationMs: SIZES.durationMs,
      warmupMs: SIZES.warmupMs,
      log,
      workerPid: worker.pid,
      baselinePid: baseline.pid,
    }),
  );
  const { worker: ours, floor: doFloor, baseline: wsFloor, ...c } = chat.figures;
  Object.assign(figures, {
    "chat.conversations": conversations.length,
    "chat.sockets": c.sockets,
    "chat.offered_msgs_per_s": c.offeredPerS,
    "chat.p50_ms": ours.p50,
    "chat.p99_ms": ours.p99,
    // The same-runtime floor: a minimal hibernating Durable Object room (bench/floor-room.ts) in the same
    // wrangler dev, through the same door (HTTP post → worker → RPC → SQLite insert → broadcast).
    "chat.floor_do_p50_ms": doFloor.p50,
    "chat.floor_do_p99_ms": doFloor.p99,
    "chat.ratio_p99": c.ratioP99,
    // The machine's physical floor: a raw Node http + ws server (no runtime, no storage). Reported, no budget.
    "chat.ws_floor_p50_ms": wsFloor.p50,
    "chat.ws_floor_p99_ms": wsFloor.p99,
    "chat.ratio_p99_ws_floor": c.baselineRatioP99,
    // Where ours spends it: when a post was answered (from its planned time), and the runtime's ping → pong
    // round trip on the same sockets under the same load (answered before any code of ours runs).
    "chat.post_p99_ms": ours.postP99,
    "chat.floor_do_post_p99_ms": doFloor.postP99,
    "chat.ping_p99_ms": ours.pingP99,
    "chat.floor_do_ping_p99_ms": doFloor.pingP99,
    "chat.ws_floor_ping_p99_ms": wsFloor.pingP99,
    // Server CPU per message sent (every process of each server), and how busy the worker's busiest process
    // (workerd, which runs every isolate on one thread) was during the load.
    "chat.cpu_ms_per_msg": ours.cpuMsPerMsg,
    "chat.floor_do_cpu_ms_per_msg": doFloor.cpuMsPerMsg,
    "chat.ws_floor_cpu_ms_per_msg": wsFloor.cpuMsPerMsg,
    "chat.cpu_ratio": ours.cpuMsPerMsg && doFloor.cpuMsPerMsg ? ours.cpuMsPerMsg / doFloor.cpuMsPerMsg : null,
    "chat.busiest_process_share": ours.busiestShare,
    "chat.floor_do_busiest_process_share": doFloor.busiestShare,
    "chat.sent": ours.sent,
    "chat.failed_posts": ours.failed,
    "chat.lost": ours.lost,
    "chat.duplicated": ours.duplicated,
    "chat.floor_do_lost": doFloor.lost,
    "chat.floor_do_duplicated": doFloor.duplicated,
  });
  if (ours.closed)
    notes.push(
      `chat: the server closed ${ours.closed} of our sockets during the rounds (their missed messages count as lost)`,
    );
  if (doFloor.failed || doFloor.closed)
    notes.push(`floor room: ${doFloor.failed} posts failed, ${doFloor.closed} sockets closed by the server`);
  if (wsFloor.lost || wsFloor.duplicated || wsFloor.failed || wsFloor.closed)
    notes.push(
      `ws floor: lost ${wsFloor.lost}, duplicated ${wsFloor.duplicated}, ${wsFloor.failed} posts failed, ${wsFloor.closed} sockets closed by the server`,
    );
  const hot = await hotRoom({ url: worker.url, cookies, rates: SIZES.hotRates, stepMs: SIZES.hotStepMs, log });
  figures["chat.hot_room_msgs_per_s"] = hot.best;
  if (hot.best === SIZES.hotRates.at(-1))
    notes.push(`hot room: passed the highest rate tried (${hot.best}/s); the limit is higher`);
  // S37: one agent typing at keystroke speed, five other agent sockets and the visitor watching.
  const typing = await typingFanout({ url: worker.url, cookies, durationMs: quick ? 5000 : 20_000 });
  Object.assign(figures, {
    "collision.typing_frames_sent_per_s": typing.sentPerS,
    "collision.frames_per_viewer_per_s": typing.maxPerViewer,
    "collision.visitor_frames_per_s": typing.visitorPerS,
  });

  const d1 = await openLocalD1(persistTo);
  cleanups.push(d1.dispose);
  // 4. The inbox list: rows read from D1's meta for the route's SQL; the real route timed.
  const page = await d1Meta(d1.db, listSql());
  const filtered = await d1Meta(d1.db, listSql({ status: "open" }));
  // The counts (S31) read counters, not conversations: the same rows whatever the backlog.
  const countsRead = (await Promise.all(countsSql("bench-agent").map((sql) => d1Meta(d1.db, sql)))).reduce(
    (n, m) => n + m.rows_read,
    0,
  );
  const unassigned = await d1Meta(d1.db, listSql({ assignee: null }));
  const mine = await d1Meta(d1.db, listSql({ assignee: "bench-agent" }));
  const snoozed = await d1Meta(d1.db, listSql({ status: "snoozed" }));
  const labelled = await d1Meta(d1.db, listSql({ label: "lb_bench" }));
  const allPage = await timeRoute(`${worker.url}/api/conversations?limit=50`, cookies[0], {
    requests: SIZES.listRequests,
  });
  const openPage = await timeRoute(`${worker.url}/api/conversations?status=open&limit=50`, cookies[0], {
    requests: SIZES.listRequests,
  });
  Object.assign(figures, {
    "list.conversations": SIZES.seeded + conversations.length,
    "list.rows_read_first_page": page.rows_read,
    "list.rows_read_filtered_page": filtered.rows_read,
    "list.rows_read_counts": countsRead,
    "list.rows_read_unassigned_page": unassigned.rows_read,
    "list.rows_read_mine_page": mine.rows_read,
    "list.rows_read_snoozed_page": snoozed.rows_read,
    "list.rows_read_label_page": labelled.rows_read,
    "list.p50_ms": allPage.p50,
    "list.p99_ms": allPage.p99,
    "list.filtered_p50_ms": openPage.p50,
    "list.filtered_p99_ms": openPage.p99,
  });
  notes.push(
    `list: the counts beside the page read ${countsRead} counter rows (list.rows_read_counts), the same for any backlog; the seed assigns, snoozes and labels none, so Mine, Snoozed and a label's first pages show what an empty view costs`,
  );

  // 5. Email ingest: our handler inside workerd (the budget's figure), then through wrangler dev's local
  //    endpoint, and that endpoint's own floor (mail read, not handled).
  // The whole corpus when ../shared is beside the repository, else only the vendored (permissively licensed) mail.
  const mailFolder = existsSync("../shared/corpus/email") ? "../shared/corpus/email" : "test/fixtures/corpus/email";
  log(`email: corpus mails from ${mailFolder}`);
  const allMails = corpusMails(mailFolder).map((m) => m.raw);
  const accepted = await acceptedMails(worker.url, corpusMails(mailFolder));
  const emailCounts =
    "select (select count(*) from email_messages) as ids, (select count(*) from mail_set_aside) as aside, (select coalesce(sum(last_seq), 0) from conversations where channel = 'email') as msgs";
  const before = await d1Meta(d1.db, emailCounts);
  const inWorkerPosts = emailMix(allMails, SIZES.emails, `w${Date.now().toString(36)}`);
  const endpointPosts = emailMix(accepted, SIZES.endpointEmails, `e${Date.now().toString(36)}`);
  const inWorker = await profiled("email", () => ingestInWorker(worker.url, inWorkerPosts, { concurrency: 8 }));
  const endpoint = await ingest(worker.url, endpointPosts, { concurrency: 8 });
  const floor = await ingest(worker.url, emailMix(accepted, SIZES.endpointEmails, `f${Date.now().toString(36)}`), {
    concurrency: 8,
    to: FLOOR_RECIPIENT,
  });
  await new Promise((r) => setTimeout(r, 3000)); // the D1 index follows each conversation object
  const after = await d1Meta(d1.db, emailCounts);
  const unique = [...inWorkerPosts, ...endpointPosts].filter((p) => !p.repeat).length;
  const d = (k) => after.results[0][k] - before.results[0][k];
  figures["email.msgs_per_s"] = inWorker.msgsPerS;
  figures["email.endpoint_msgs_per_s"] = endpoint.msgsPerS;
  figures["email.endpoint_floor_msgs_per_s"] = floor.msgsPerS;
  figures["email.duplicates_stored"] = Math.max(0, d("msgs") + d("aside") - unique);
  notes.push(
    `email: ${inWorkerPosts.length} posts of all ${allMails.length} corpus mails handed to email() in workerd (${inWorker.failed} failed); ${endpointPosts.length} posts of the ${accepted.length} the local endpoint accepts (${endpoint.refused} refused); 10 % repeats; stored ${d("msgs")} messages, ${d("aside")} set aside, ${d("ids")} Message-IDs recorded`,
  );
  // 6. Search (S41): its own database in a folder of its own, seeded straight, each query kind timed.
  const search = await searchSection({ persistTo: mkdtempSync(join(persistTo, "search-")), quick, log });
  Object.assign(figures, search.figures);
  notes.push(search.note);

  // 7. Cost. Measured: D1 rows written by the index upsert one message causes (meta.rows_written), and by
  // its search entry (S41, the search database's statements for one new message).
  const upsert = await d1Meta(
    d1.db,
    `INSERT INTO conversations (id, channel, contact_id, visitor_key, messenger_psid, status, read, subject, last_message_preview, last_message_at, last_inbound_at, version, last_seq, created_at, contact_verified, person_name)
     VALUES ('bench-0000001', 'chat', NULL, NULL, NULL, 'open', 0, NULL, 'next message', 9999999999999, 9999999999999, 999999, 2, 0, 0, NULL)
     ON CONFLICT (id) DO UPDATE SET contact_id = excluded.contact_id, contact_verified = excluded.contact_verified, status = excluded.status,
       read = excluded.read, subject = excluded.subject, last_message_preview = excluded.last_message_preview, last_message_at = excluded.last_message_at,
       last_inbound_at = excluded.last_inbound_at, version = excluded.version, last_seq = excluded.last_seq, person_name = excluded.person_name
     WHERE excluded.version > conversations.version`,
  );
  const perMessage = {
    // counted in the code path: a message is posted over HTTP (one worker request), which calls the
    // conversation's object (one RPC), which tells the feed (one RPC: the room's outbox → `conversationChanged`).
    workerRequests: 1,
    doRequests: 2,
    d1RowsWritten: upsert.rows_written + search.figures["search.d1_rows_written_per_message"],
    // counted in the code path (storage.ts): INSERT messages, UPDATE conversation, UPDATE indexed_version.
    doRowsWritten: 3,
    // modelled: active (non-hibernatable) time per message over both objects.
    doActiveMs: 10,
  };
  const perConversation = { workerRequests: 4, doRequests: 4, d1RowsWritten: upsert.rows_written }; // session + 3 socket upgrades
  const cost = monthlyCost({ perMessage, perConversation, perListLoad: { d1RowsRead: page.rows_read + countsRead } });
  Object.assign(figures, {
    "cost.rows_written_per_message": perMessage.d1RowsWritten + perMessage.doRowsWritten,
    "cost.d1_rows_written_per_message": perMessage.d1RowsWritten,
    "cost.do_requests_per_message": perMessage.doRequests,
    "cost.usd_per_month": cost.usd,
  });
  notes.push(
    `cost lines (usage / included): ${Object.entries(cost.lines)
      .map(([k, v]) => `${k} ${Math.round(v.used).toLocaleString("en-US")} / ${v.included.toLocaleString("en-US")}`)
      .join("; ")}`,
  );

  const doc = writeResults("bench/results/latest.json", {
    figures,
    machine: machine(),
    mode: `${quick ? "quick" : "full"}${profiling ? ", profiled" : ""}`,
    notes,
  });
  log(`\n${markdownTable(figures)}\n`);
  log(
    `Machine: ${doc.machine.cpu}, ${doc.machine.cores} cores, ${doc.machine.memoryGb} GB, ${doc.machine.os}, Node ${doc.machine.node}`,
  );
  for (const n of notes) log(`- ${n}`);
  const missed = Object.entries(budgetVerdicts(figures))
    .filter(([, ok]) => !ok)
    .map(([n]) => n);
  log(missed.length ? `\nBudgets missed: ${missed.join(", ")}` : "\nAll budgets met.");
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  for (const cleanup of cleanups) await cleanup().catch(() => {});
  await baseline?.stop();
  await worker?.stop();
  rmSync(persistTo, { recursive: true, force: true });
}
