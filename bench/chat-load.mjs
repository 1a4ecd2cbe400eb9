// The open-loop chat load generator, the same code for both targets (the worker and the baseline).
// Every send is planned on a timetable before the run starts; each message carries its planned time,
// and latency = receive time − planned time, so a slow server cannot hide queueing behind a slow
// sender (no coordinated omission). Many sockets from one Node process: one timer walks the timetable.
import { LatencyRecorder } from "./latency-recorder.mjs";

/**
 * A timetable where each participant sends about once per `intervalMs` (uniform jitter of ±50 %),
 * for `durationMs`. Returns events sorted by time: `{ at, participant }` (ms from the start).
 */
export function jitteredSchedule({ participants, intervalMs, durationMs, random = Math.random }) {
  const events = [];
  for (let p = 0; p < participants; p++) {
    for (let at = random() * intervalMs; at < durationMs; at += intervalMs * (0.5 + random())) events.push({ at, participant: p });
  }
  return events.sort((a, b) => a.at - b.at);
}

/** A timetable of `ratePerS` evenly spaced sends, round-robin over the participants. */
export function steadySchedule({ participants, ratePerS, durationMs }) {
  const events = [];
  const gap = 1000 / ratePerS;
  for (let i = 0, at = 0; at < durationMs; i++, at = i * gap) events.push({ at, participant: i % participants });
  return events;
}

/** The text a bench message carries: who sent it, its number, and its planned send time. */
export function benchText(run, participant, n, plannedAt) {
  return `bench ${run} ${participant} ${n} ${plannedAt.toFixed(3)}`;
}

export function parseBenchText(text) {
  const m = /^bench (\S+) (\d+) (\d+) ([\d.]+)$/.exec(text);
  return m ? { run: m[1], participant: Number(m[2]), n: Number(m[3]), plannedAt: Number(m[4]) } : null;
}

/**
 * Opens every socket (`rooms[i].participants[j] = { url, headers }`), `concurrency` at a time, and
 * resolves with them once each said `welcome`.
 */
export async function openRooms(rooms, { concurrency = 32, timeoutMs = 30_000 } = {}) {
  const flat = rooms.flatMap((room, r) => room.participants.map((p) => ({ ...p, room: r })));
  const sockets = new Array(flat.length);
  let next = 0;
  const worker = async () => {
    while (next < flat.length) {
      const i = next++;
      sockets[i] = await openSocket(flat[i], timeoutMs);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, flat.length) }, worker));
  return sockets;
}

function openSocket(target, timeoutMs) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(target.url, { headers: target.headers ?? {} });
    const socket = { ws, room: target.room, onFrame: null, onPong: null, lastSeq: 0 };
    const timer = setTimeout(() => reject(new Error(`socket ${target.url.split("?")[0]}: no welcome after ${timeoutMs} ms`)), timeoutMs);
    ws.addEventListener("message", (event) => {
      const data = typeof event.data === "string" ? event.data : "";
      if (data === "pong") return void socket.onPong?.();
      let frame;
      try {
        frame = JSON.parse(data);
      } catch {
        return;
      }
      if (frame.type === "welcome") {
        clearTimeout(timer);
        resolve(socket);
      }
      socket.onFrame?.(frame);
    });
    ws.addEventListener("error", () => {
      clearTimeout(timer);
      reject(new Error(`socket ${target.url.split("?")[0]} failed to open`));
    });
  });
}

export function closeSockets(sockets) {
  for (const s of sockets) {
    try {
      s.ws.close(1000, "bench done");
    } catch {}
  }
}

/**
 * Runs one timetable over open sockets. Every message is expected at every socket of its room
 * (the sender included: rooms echo to everyone). Latencies count from `warmupMs` on; lost and
 * duplicated count the whole run, after waiting up to `drainMs` for stragglers.
 */
export async function runTimetable(sockets, schedule, { warmupMs = 0, drainMs = 5000, run = `r${Date.now().toString(36)}` } = {}) {
  const latency = new LatencyRecorder();
  const byRoom = new Map();
  sockets.forEach((s, i) => {
    s.index = i;
    if (!byRoom.has(s.room)) byRoom.set(s.room, []);
    byRoom.get(s.room).push(s);
  });
  const seen = sockets.map(() => new Set());
  let duplicated = 0;
  let received = 0;
  let start = 0;
  for (const s of sockets) {
    s.onFrame = (frame) => {
      if (frame.type !== "message") return;
      const now = performance.now() - start;
      if (frame.message.seq > s.lastSeq) s.lastSeq = frame.message.seq;
      const parsed = parseBenchText(frame.message.text ?? "");
      if (!parsed || parsed.run !== run) return;
      const key = `${parsed.participant}:${parsed.n}`;
      if (seen[s.index].has(key)) return void duplicated++;
      seen[s.index].add(key);
      received++;
      if (parsed.plannedAt >= warmupMs) latency.record(now - parsed.plannedAt);
    };
  }
  // The floor under the same load: a `ping` is answered `pong` by the runtime itself (the worker's
  // auto-response; the baseline's first line), so its round trip is what a message costs before any code
  // of ours runs. One probe every 20 ms on a socket picked in turn.
  const floor = new LatencyRecorder();
  let probe = 0;
  const pinger = setInterval(() => {
    const s = sockets[probe++ % sockets.length];
    if (s.ws.readyState !== WebSocket.OPEN || s.pingAt !== undefined) return;
    s.pingAt = performance.now();
    s.onPong = () => {
      if (performance.now() - start >= warmupMs) floor.record(performance.now() - s.pingAt);
      s.pingAt = undefined;
    };
    s.ws.send("ping");
  }, 20);
  const counts = new Array(sockets.length).fill(0);
  let expected = 0;
  let sent = 0;
  start = performance.now();
  await new Promise((resolve) => {
    let i = 0;
    const tick = () => {
      const now = performance.now() - start;
      while (i < schedule.length && schedule[i].at <= now) {
        const { at, participant } = schedule[i++];
        const s = sockets[participant];
        const n = ++counts[participant];
        const clientId = `b${run}x${participant}x${n}`;
        if (s.ws.readyState === WebSocket.OPEN) s.ws.send(JSON.stringify({ type: "send", clientId, text: benchText(run, participant, n, at) }));
        sent++;
        expected += byRoom.get(s.room).length;
      }
      if (i >= schedule.length) return resolve();
      setTimeout(tick, Math.max(0, schedule[i].at - (performance.now() - start)));
    };
    tick();
  });
  clearInterval(pinger);
  const drainUntil = performance.now() + drainMs;
  while (received < expected && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 50));
  const seconds = (schedule.at(-1)?.at ?? 0) / 1000;
  for (const s of sockets) s.onFrame = null;
  const floorSummary = floor.summary();
  return { sent, expected, received, lost: expected - received, duplicated, offeredPerS: seconds > 0 ? sent / seconds : 0, ...latency.summary(), floorP50: floorSummary.p50, floorP99: floorSummary.p99 };
}
