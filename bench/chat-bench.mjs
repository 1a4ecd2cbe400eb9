// The chat load against both targets in the same run, rounds alternating, and the hot-room ramp.
import { closeSockets, jitteredSchedule, openRooms, runTimetable, steadySchedule } from "./chat-load.mjs";
import { median } from "./latency-recorder.mjs";
import { cpuBetween, cpuSnapshot } from "./process-cpu.mjs";

export const BENCH_ORIGIN = "https://bench.example";

async function post(url, path, { json, headers = {} }) {
  const res = await fetch(`${url}${path}`, { method: "POST", headers: { "content-type": "application/json", origin: url, ...headers }, body: JSON.stringify(json) });
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
  await post(url, "/api/agents", { json: { email, name: "Bench Agent", role: "agent", password: "bench-password-123" }, headers: { cookie: admin } });
  return [admin, await signIn(url, email, "bench-password-123", "10.250.0.2")];
}

/** `count` new widget conversations (from loopback, which the per-client limit exempts). */
export async function newConversations(url, count, concurrency = 16) {
  const out = [];
  let made = 0;
  const worker = async () => {
    while (made < count) {
      made++;
      const res = await post(url, "/api/widget/session", { json: {}, headers: { origin: BENCH_ORIGIN } });
      out.push(await res.json());
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return out;
}

/** Socket targets of the worker: per conversation its visitor and the two agents. */
export function workerRooms(url, conversations, cookies, lastSeq) {
  const ws = url.replace(/^http/, "ws");
  return conversations.map((c, i) => ({
    participants: [
      { url: `${ws}/api/widget/socket?token=${encodeURIComponent(c.token)}&after=${lastSeq[i] ?? 0}`, headers: { origin: BENCH_ORIGIN } },
      ...cookies.map((cookie) => ({ url: `${ws}/api/conversations/${c.conversationId}/socket?after=${lastSeq[i] ?? 0}`, headers: { origin: url, cookie } })),
    ],
  }));
}

/** The same rooms on the baseline server. */
export function baselineRooms(wsUrl, count, lastSeq) {
  return Array.from({ length: count }, (_, i) => ({
    participants: ["visitor", "agent", "agent"].map((role) => ({ url: `${wsUrl}/?room=c${i}&role=${role}&after=${lastSeq[i] ?? 0}` })),
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
  Object.assign(result, { cpuMsPerMsg: cpu ? (cpu.totalS * 1000) / result.sent : null, busiest: cpu?.busiest ?? null, busiestShare: cpu?.busiestShare ?? null });
  for (const s of sockets) lastSeq[s.room] = Math.max(lastSeq[s.room] ?? 0, s.lastSeq);
  closeSockets(sockets);
  await new Promise((r) => setTimeout(r, 1000));
  return { ...result, sockets: sockets.length, openMs };
}

/**
 * `rounds` rounds; in each, the baseline and the worker take turns (the order alternates, so neither
 * always runs on a warmer machine). Returns the per-round results and the medians.
 */
export async function chatRounds({ url, baselineUrl, conversations, cookies, rounds, intervalMs, durationMs, warmupMs, log, workerPid, baselinePid }) {
  const seqWorker = [];
  const seqBaseline = [];
  const worker = [];
  const baseline = [];
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? ["baseline", "worker"] : ["worker", "baseline"];
    for (const target of order) {
      const rooms = target === "worker" ? workerRooms(url, conversations, cookies, seqWorker) : baselineRooms(baselineUrl, conversations.length, seqBaseline);
      const serverPid = target === "worker" ? workerPid : baselinePid;
      const res = await oneRound(rooms, target === "worker" ? seqWorker : seqBaseline, { intervalMs, durationMs, warmupMs, serverPid });
      (target === "worker" ? worker : baseline).push(res);
      log(`  round ${r + 1} ${target.padEnd(8)} sent ${res.sent} (${res.offeredPerS.toFixed(0)}/s) p50 ${res.p50.toFixed(1)} ms p99 ${res.p99.toFixed(1)} ms, ping floor p50 ${res.floorP50.toFixed(1)} p99 ${res.floorP99.toFixed(1)} ms, lost ${res.lost} dup ${res.duplicated}, server CPU ${res.cpuMsPerMsg?.toFixed(2)} ms/msg, busiest process ${res.busiest} at ${((res.busiestShare ?? 0) * 100).toFixed(0)} % of a core (sockets opened in ${(res.openMs / 1000).toFixed(1)} s)`);
    }
  }
  const med = (list, key) => (list.every((x) => x[key] !== null) ? median(list.map((x) => x[key])) : null);
  const sum = (list, key) => list.reduce((a, x) => a + x[key], 0);
  return {
    worker,
    baseline,
    figures: {
      sockets: worker[0].sockets,
      offeredPerS: med(worker, "offeredPerS"),
      p50: med(worker, "p50"),
      p99: med(worker, "p99"),
      baselineP50: med(baseline, "p50"),
      baselineP99: med(baseline, "p99"),
      ratioP99: median(worker.map((w, i) => w.p99 / baseline[i].p99)),
      floorP50: med(worker, "floorP50"),
      floorP99: med(worker, "floorP99"),
      baselineFloorP99: med(baseline, "floorP99"),
      sent: sum(worker, "sent"),
      lost: sum(worker, "lost"),
      duplicated: sum(worker, "duplicated"),
      baselineLost: sum(baseline, "lost"),
      cpuMsPerMsg: med(worker, "cpuMsPerMsg"),
      baselineCpuMsPerMsg: med(baseline, "cpuMsPerMsg"),
      busiest: worker[0].busiest,
      busiestShare: med(worker, "busiestShare"),
    },
  };
}

/** Raises the rate on one conversation until p99 passes `limitMs` (or messages go missing). */
export async function hotRoom({ url, cookies, rates, stepMs, limitMs = 100, log }) {
  const [conversation] = await newConversations(url, 1, 1);
  const lastSeq = [];
  let best = 0;
  const steps = [];
  for (let i = 0, retried = false; i < rates.length; i++) {
    const rate = rates[i];
    const sockets = await openRooms(workerRooms(url, [conversation], cookies, lastSeq));
    const res = await runTimetable(sockets, steadySchedule({ participants: sockets.length, ratePerS: rate, durationMs: stepMs }), { warmupMs: 500 });
    lastSeq[0] = Math.max(...sockets.map((s) => s.lastSeq));
    closeSockets(sockets);
    steps.push({ rate, p50: res.p50, p99: res.p99, lost: res.lost });
    log(`  hot room ${rate} msg/s: p50 ${res.p50.toFixed(1)} ms p99 ${res.p99.toFixed(1)} ms lost ${res.lost}`);
    if (res.p99 > limitMs || res.lost > 0) {
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
