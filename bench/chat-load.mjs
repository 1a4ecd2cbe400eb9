// The open-loop chat load generator, the same code for every target (the worker, the same-runtime floor
// room, the raw baseline). Each participant posts over HTTP, as the inbox app and the widget do, and
// receives over its socket. Every post is planned on a timetable before the run starts; each message
// carries its planned time, and latency = receive time − planned time, so a slow server cannot hide
// queueing behind a slow sender (no coordinated omission). Many sockets from one Node process: one timer
// walks the timetable, posts go out through one keep-alive pool.
import { Agent, request } from "node:http";
import { LatencyRecorder } from "./latency-recorder.mjs";

/**
 * A timetable where each participant sends about once per `intervalMs` (uniform jitter of ±50 %),
 * for `durationMs`. Returns events sorted by time: `{ at, participant }` (ms from the start).
 */
export function jitteredSchedule({ participants, intervalMs, durationMs, random = Math.random }) {
  const events = [];
  for (let p = 0; p < participants; p++) {
    for (let at = random() * intervalMs; at < durationMs; at += intervalMs * (0.5 + random()))
      events.push({ at, participant: p });
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
 * Posts `{...target.body, ...fields}` as JSON to `target.url` with `target.headers`, through one pool of
 * at most `maxSockets` keep-alive connections. Resolves `{ status, text }` (status 0: no answer). A
 * reused connection the server had just closed is retried once on a fresh one (nothing was received).
 */
export function httpPoster({ maxSockets = 256 } = {}) {
  const agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  const send = (target, body, retry) =>
    new Promise((resolve) => {
      const req = request(
        target.url,
        {
          method: "POST",
          agent,
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...target.headers },
        },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (d) => (text += d));
          res.on("end", () => resolve({ status: res.statusCode, text }));
          res.on("error", (err) => resolve({ status: 0, text: err.message }));
        },
      );
      req.on("error", (err) =>
        resolve(
          retry && req.reusedSocket && err.code === "ECONNRESET"
            ? send(target, body, false)
            : { status: 0, text: err.message },
        ),
      );
      req.end(body);
    });
  return {
    post: (target, fields) => send(target, JSON.stringify({ ...target.body, ...fields }), true),
    close: () => agent.destroy(),
  };
}

/**
 * Opens every socket (`rooms[i].participants[j] = { url, headers, post }`, `post` being where that
 * participant posts: `{ url, headers, body }`), `concurrency` at a time, and resolves with them once
 * each said `welcome`.
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
    const socket = {
      ws,
      room: target.room,
      post: target.post,
      onFrame: null,
      onPong: null,
      lastSeq: 0,
      closed: undefined,
    };
    const timer = setTimeout(
      () => reject(new Error(`socket ${target.url.split("?")[0]}: no welcome after ${timeoutMs} ms`)),
      timeoutMs,
    );
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
    ws.addEventListener("close", (event) => (socket.closed ??= event.code));
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
 * Runs one timetable over open sockets: each planned message is posted by its participant (`socket.post`)
 * and expected at every socket of its room (the sender's included: rooms send to everyone). Latencies
 * count from `warmupMs` on; lost and duplicated count the whole run, after waiting up to `drainMs` for
 * stragglers. A post answered with anything but 2xx is `failed` (its first answers kept in `errors`);
 * its message is also counted lost wherever it was expected, as are messages a closed socket missed. `poster`: httpPoster()'s shape (the default).
 */
export async function runTimetable(
  sockets,
  schedule,
  { warmupMs = 0, drainMs = 5000, run = `r${Date.now().toString(36)}`, poster } = {},
) {
  const client = poster ?? httpPoster();
  const latency = new LatencyRecorder();
  const postLatency = new LatencyRecorder();
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
  // The floor under the same load: a `ping` is answered `pong` by the runtime itself (the Durable Object's
  // auto-response; the baseline's first line), so its round trip is what a frame costs before any code of
  // ours runs. One probe every 20 ms on a socket picked in turn.
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
  const posts = [];
  const errors = [];
  let expected = 0;
  let sent = 0;
  let failed = 0;
  const postOne = async (s, at, fields) => {
    const answer = await client.post(s.post, fields);
    if (at >= warmupMs) postLatency.record(performance.now() - start - at);
    if (answer.status >= 200 && answer.status < 300) return;
    failed++;
    if (errors.length < 5) errors.push(`${answer.status} ${answer.text.slice(0, 200)}`);
  };
  start = performance.now();
  await new Promise((resolve) => {
    let i = 0;
    const tick = () => {
      const now = performance.now() - start;
      while (i < schedule.length && schedule[i].at <= now) {
        const { at, participant } = schedule[i++];
        const s = sockets[participant];
        const n = ++counts[participant];
        posts.push(
          postOne(s, at, { clientId: `b${run}x${participant}x${n}`, text: benchText(run, participant, n, at) }),
        );
        sent++;
        expected += byRoom.get(s.room).length;
      }
      if (i >= schedule.length) return resolve();
      setTimeout(tick, Math.max(0, schedule[i].at - (performance.now() - start)));
    };
    tick();
  });
  await Promise.all(posts);
  clearInterval(pinger);
  const drainUntil = performance.now() + drainMs;
  while (received < expected && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 50));
  if (!poster) client.close();
  const seconds = (schedule.at(-1)?.at ?? 0) / 1000;
  for (const s of sockets) s.onFrame = null;
  const floorSummary = floor.summary();
  const postSummary = postLatency.summary();
  return {
    sent,
    failed,
    errors,
    // Sockets the server closed before the end (a worker reload closes them all): what they miss is lost.
    closed: sockets.filter((s) => s.closed !== undefined).length,
    expected,
    received,
    lost: expected - received,
    duplicated,
    offeredPerS: seconds > 0 ? sent / seconds : 0,
    ...latency.summary(),
    floorP50: floorSummary.p50,
    floorP99: floorSummary.p99,
    postP50: postSummary.p50,
    postP99: postSummary.p99,
  };
}
