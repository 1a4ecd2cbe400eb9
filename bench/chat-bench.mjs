// The chat load against the worker and its two floors in the same run, rounds alternating, and the
// hot-room ramp. Every target is reached through the same door: posts over HTTP, sockets to receive.
import { testClient } from "../test/support/client.ts";
import { nodeTransport } from "../test/support/node-transport.ts";
import { FLOOR_MESSAGES_PATH, FLOOR_SOCKET_PATH } from "./bench-doors.ts";
import { closeSockets, jitteredSchedule, openRooms, runTimetable, steadySchedule } from "./chat-load.mjs";
import { median } from "./latency-recorder.mjs";
import { cpuBetween, cpuSnapshot } from "./process-cpu.mjs";

export const BENCH_ORIGIN = "https://bench.example";

async function post(url, path, { json, headers = {} }) {
  const res = await fetch(`${url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: url, ...headers },
    body: JSON.stringify(json),
  });
  if (res.status >= 300) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
  return res;
}

/** Signs in (each from its own client address: sign-ins are limited per client and per account). */
export async function signIn(url, email, password, ip) {
  const res = await post(url, "/api/auth/sign-in", { json: { email, password }, headers: { "cf-connecting-ip": ip } });
  return res.headers.get("set-cookie").split(";")[0];
}

/** Two signed-in agents: the demo admin and one it creates. */
export async function twoAgents(url) {
  const admin = await signIn(url, "admin@example.com", "demo-admin-password", "10.250.0.1");
  const email = `bench-${Date.now()}@example.com`;
  await post(url, "/api/agents", {
    json: { email, name: "Bench Agent", role: "agent", password: "bench-password-123" },
    headers: { cookie: admin },
  });
  return [admin, await signIn(url, email, "bench-password-123", "10.250.0.2")];
}

/** `count` new widget conversations (from loopback, which the per-client limit exempts). */
export async function newConversations(url, count, { concurrency = 16, origin = BENCH_ORIGIN } = {}) {
  const out = [];
  let made = 0;
  const worker = async () => {
    while (made < count) {
      made++;
      const res = await post(url, "/api/widget/session", { json: {}, headers: { origin } });
      out.push(await res.json());
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return out;
}

/**
 * The worker's rooms: per conversation its visitor (posting to /api/widget/messages with its token) and
 * one agent per cookie (posting to /api/conversations/:id/messages), each also on its socket. The doors
 * are the test client's (test/support/client.ts), the same the end-to-end tests use.
 */
export function workerRooms(url, conversations, cookies, lastSeq, { origin = BENCH_ORIGIN } = {}) {
  const { targets } = testClient(nodeTransport, { baseUrl: url, site: origin, address: null });
  return conversations.map((c, i) => ({
    participants: [
      { ...targets.visitorSocket(c, lastSeq[i] ?? 0), post: targets.visitorPost(c) },
      ...cookies.map((cookie) => ({
        ...targets.agentSocket(cookie, c.conversationId, lastSeq[i] ?? 0),
        post: targets.agentPost(cookie, c.conversationId),
      })),
    ],
  }));
}

/** Rooms of a visitor and two agents on the same-runtime floor room (bench/floor-room.ts), in `url`'s wrangler dev. */
export function floorRooms(url, count, lastSeq, prefix = "f") {
  const ws = url.replace(/^http/, "ws");
  return Array.from({ length: count }, (_, i) => ({
    participants: ["visitor", "agent", "agent"].map((role) => {
      const q = `room=${prefix}${i}&role=${role}`;
      return {
        url: `${ws}${FLOOR_SOCKET_PATH}?${q}&after=${lastSeq[i] ?? 0}`,
        post: { url: `${url}${FLOOR_MESSAGES_PATH}?${q}` },
      };
    }),
  }));
}

/** The same rooms on the raw baseline server (bench/baseline-server.mjs). */
export function baselineRooms(url, count, lastSeq, prefix = "c") {
  const ws = url.replace(/^http/, "ws");
  return Array.from({ length: count }, (_, i) => ({
    participants: ["visitor", "agent", "agent"].map((role) => {
      const q = `room=${prefix}${i}&role=${role}`;
      return { url: `${ws}/?${q}&after=${lastSeq[i] ?? 0}`, post: { url: `${url}/messages?${q}` } };
    }),
  }));
}

async function oneRound(rooms, lastSeq, { intervalMs, durationMs, warmupMs, serverPid }) {
  const t = performance.now();
  const sockets = await openRooms(rooms);
  const openMs = performance.now() - t;
  const schedule = jitteredSchedule({ participants: sockets.length, intervalMs, durationMs });
  const cpuBefore = cpuSnapshot(serverPid);
  const loadStart = performance.now();
  const result = await runTimetable(sockets, schedule, { warmupMs });
  // The server's CPU over the load (the drain included): per message sent, and its busiest process.
  const cpu = cpuBetween(cpuBefore, cpuSnapshot(serverPid), (performance.now() - loadStart) / 1000);
  Object.assign(result, {
    cpuMsPerMsg: cpu ? (cpu.totalS * 1000) / result.sent : null,
    busiest: cpu?.busiest ?? null,
    busiestShare: cpu?.busiestShare ?? null,
  });
  for (const s of sockets) lastSeq[s.room] = Math.max(lastSeq[s.room] ?? 0, s.lastSeq);
  closeSockets(sockets);
  await settle(serverPid);
  return { ...result, sockets: sockets.length, openMs };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * After a round, waits (up to `maxMs`) until the server's processes use under 5 % of a core for a second,
 * so that what the round set off (visitors going offline after the presence grace — run.mjs sets it to
 * 1 s — and the index commits that follow) does not land in the next target's round.
 */
async function settle(pid, { graceMs = 1500, maxMs = 20_000 } = {}) {
  await sleep(graceMs);
  for (const until = performance.now() + maxMs; performance.now() < until; ) {
    const before = cpuSnapshot(pid);
    await sleep(1000);
    const used = cpuBetween(before, cpuSnapshot(pid), 1);
    if (!used || used.totalS < 0.05) return;
  }
}

const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : "–");

/**
 * `rounds` rounds; in each, the three targets take turns: the worker, the same-runtime floor room (in the
 * same wrangler dev) and the raw baseline, the order reversing every round so none always runs on a
 * warmer machine. Same rooms, sockets and timetable shape for all. Returns per-target results and medians.
 */
export async function chatRounds({
  url,
  baselineUrl,
  conversations,
  cookies,
  rounds,
  intervalMs,
  durationMs,
  warmupMs,
  log,
  workerPid,
  baselinePid,
}) {
  const targets = {
    worker: { rooms: (seq) => workerRooms(url, conversations, cookies, seq), pid: workerPid },
    floor: { rooms: (seq) => floorRooms(url, conversations.length, seq), pid: workerPid },
    baseline: { rooms: (seq) => baselineRooms(baselineUrl, conversations.length, seq), pid: baselinePid },
  };
  const seq = { worker: [], floor: [], baseline: [] };
  const results = { worker: [], floor: [], baseline: [] };
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? ["baseline", "floor", "worker"] : ["worker", "floor", "baseline"];
    for (const name of order) {
      const res = await oneRound(targets[name].rooms(seq[name]), seq[name], {
        intervalMs,
        durationMs,
        warmupMs,
        serverPid: targets[name].pid,
      });
      results[name].push(res);
      log(
        `  round ${r + 1} ${name.padEnd(8)} sent ${res.sent} (${res.offeredPerS.toFixed(0)}/s) p50 ${f1(res.p50)} ms p99 ${f1(res.p99)} ms, post answered p99 ${f1(res.postP99)} ms, ping p50 ${f1(res.floorP50)} p99 ${f1(res.floorP99)} ms, lost ${res.lost} dup ${res.duplicated} failed ${res.failed}, server CPU ${res.cpuMsPerMsg?.toFixed(2)} ms/msg, busiest process ${res.busiest} at ${((res.busiestShare ?? 0) * 100).toFixed(0)} % of a core (sockets opened in ${(res.openMs / 1000).toFixed(1)} s)`,
      );
      for (const e of res.errors) log(`    failed post: ${e}`);
      if (res.closed) log(`    ${res.closed} sockets closed by the server during the round`);
    }
  }
  const med = (list, key) => (list.every((x) => x[key] !== null) ? median(list.map((x) => x[key])) : null);
  const sum = (list, key) => list.reduce((a, x) => a + x[key], 0);
  const summary = (list) => ({
    p50: med(list, "p50"),
    p99: med(list, "p99"),
    postP99: med(list, "postP99"),
    pingP50: med(list, "floorP50"),
    pingP99: med(list, "floorP99"),
    cpuMsPerMsg: med(list, "cpuMsPerMsg"),
    busiestShare: med(list, "busiestShare"),
    sent: sum(list, "sent"),
    lost: sum(list, "lost"),
    duplicated: sum(list, "duplicated"),
    failed: sum(list, "failed"),
    closed: sum(list, "closed"),
  });
  const { worker, floor, baseline } = results;
  return {
    results,
    figures: {
      sockets: worker[0].sockets,
      offeredPerS: med(worker, "offeredPerS"),
      worker: summary(worker),
      floor: summary(floor),
      baseline: summary(baseline),
      busiest: worker[0].busiest,
      // Paired by round: each ratio compares runs minutes apart on the same machine.
      ratioP99: median(worker.map((w, i) => w.p99 / floor[i].p99)),
      baselineRatioP99: median(worker.map((w, i) => w.p99 / baseline[i].p99)),
    },
  };
}

/** Raises the rate on one conversation until p99 passes `limitMs` (or messages go missing, or posts fail). */
export async function hotRoom({ url, cookies, rates, stepMs, limitMs = 100, log }) {
  const [conversation] = await newConversations(url, 1, { concurrency: 1 });
  const lastSeq = [];
  let best = 0;
  const steps = [];
  for (let i = 0, retried = false; i < rates.length; i++) {
    const rate = rates[i];
    const sockets = await openRooms(workerRooms(url, [conversation], cookies, lastSeq));
    const res = await runTimetable(
      sockets,
      steadySchedule({ participants: sockets.length, ratePerS: rate, durationMs: stepMs }),
      { warmupMs: 500 },
    );
    lastSeq[0] = Math.max(...sockets.map((s) => s.lastSeq));
    closeSockets(sockets);
    steps.push({ rate, p50: res.p50, p99: res.p99, lost: res.lost, failed: res.failed });
    log(
      `  hot room ${rate} msg/s: p50 ${f1(res.p50)} ms p99 ${f1(res.p99)} ms lost ${res.lost} failed ${res.failed} sockets closed ${res.closed}${res.errors.length ? ` (${res.errors[0]})` : ""}`,
    );
    if (res.p99 > limitMs || res.lost > 0 || res.failed > 0) {
      if (retried) break;
      retried = true; // one noisy step (a GC pause, the other core busy) gets one retry at the same rate
      i--;
      continue;
    }
    retried = false;
    best = rate;
    await new Promise((r) => setTimeout(r, 500));
  }
  return { best, steps };
}
