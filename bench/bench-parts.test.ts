// The bench's own parts, so it cannot rot silently (the bench itself never runs in `npm test`).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { and, desc, eq, isNull } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { contacts, conversations } from "../src/db/schema";
import { startBaselineServer } from "./baseline-server.mjs";
import { baselineRooms, floorRooms, newConversations, workerRooms } from "./chat-bench.mjs";
import {
  closeSockets,
  httpPoster,
  jitteredSchedule,
  openRooms,
  parseBenchText,
  runTimetable,
  steadySchedule,
  benchText,
} from "./chat-load.mjs";
import { monthlyCost } from "./cost-model.mjs";
import { summariseProfile } from "./cpu-profile.mjs";
import { cpuBetween, cpuSnapshot } from "./process-cpu.mjs";
import { emailMix, withMessageId } from "./email-bench.mjs";
import { LatencyRecorder, median } from "./latency-recorder.mjs";
import { listSql, seedSql } from "./list-bench.mjs";
import { benchDocuments, random, searchSection, vocabulary } from "./search-bench.mjs";
import { markdownTable, writeResults } from "./report.mjs";
import { startFloorServer } from "./worker-server.mjs";

/** Every frame each socket receives, in order. */
// The bench's load generator is plain JavaScript (bench/chat-load.mjs): its sockets are loosely typed here.
type BenchSocket = { ws: WebSocket; onFrame: ((frame: unknown) => void) | null; closed?: unknown };

function recordFrames(sockets: BenchSocket[]): unknown[][] {
  const frames: unknown[][] = sockets.map(() => []);
  sockets.forEach((s, i) => {
    s.onFrame = (f) => frames[i]!.push(f);
  });
  return frames;
}

function pong(socket: BenchSocket): Promise<boolean> {
  const answered = new Promise<boolean>((resolve) =>
    socket.ws.addEventListener("message", (e: MessageEvent) => e.data === "pong" && resolve(true)),
  );
  socket.ws.send("ping");
  return answered;
}

/** Three rooms of a visitor and two agents posting over HTTP: each message at every socket of its room, once. */
async function carriesTimetable(rooms: Parameters<typeof openRooms>[0]) {
  const sockets = await openRooms(rooms);
  const schedule = steadySchedule({ participants: sockets.length, ratePerS: 60, durationMs: 500 });
  const result = await runTimetable(sockets, schedule, { drainMs: 5000 });
  closeSockets(sockets);
  expect(result).toMatchObject({
    sent: schedule.length,
    failed: 0,
    errors: [],
    closed: 0,
    expected: schedule.length * 3,
    received: schedule.length * 3,
    lost: 0,
    duplicated: 0,
    count: schedule.length * 3,
  });
  // The runtime's ping probe ran beside the load.
  expect(Number.isFinite(result.floorP50)).toBe(true);
  return sockets;
}

describe("baseline server", () => {
  let server: Awaited<ReturnType<typeof startBaselineServer>>;
  beforeAll(async () => {
    server = await startBaselineServer();
  });
  afterAll(() => server.close());

  it("takes posts over HTTP, sequences them, sends them to the room's sockets, answers a retried clientId with the original", async () => {
    const sockets = await openRooms(baselineRooms(server.url, 2, [], "a"));
    const frames = recordFrames(sockets);
    const poster = httpPoster();
    expect(await pong(sockets[0])).toBe(true);
    const [visitor, agent] = [sockets[0].post, sockets[1].post];
    expect((await poster.post(visitor, { clientId: "client-0001", text: "hello" })).status).toBe(201);
    expect((await poster.post(agent, { clientId: "client-0002", text: "hi" })).status).toBe(201);
    const retried = await poster.post(visitor, { clientId: "client-0001", text: "hello" });
    expect(retried.status).toBe(200);
    expect(JSON.parse(retried.text)).toMatchObject({ duplicate: true, message: { seq: 1 } });
    expect((await poster.post(visitor, { clientId: "x", text: "bad" })).status).toBe(400);
    // Messages come over HTTP only: a socket's send frame is refused.
    sockets[0].ws.send(JSON.stringify({ type: "send", clientId: "client-0003", text: "by socket" }));
    await expect.poll(() => frames[0]!.length).toBe(3);
    poster.close();
    expect(frames[0]!.map((f) => f.type)).toEqual(["message", "message", "error"]);
    for (const i of [1, 2]) await expect.poll(() => frames[i]!.map((f) => f.message.seq)).toEqual([1, 2]);
    expect(frames[1]![0].message).toMatchObject({
      conversationId: "a0",
      clientId: "client-0001",
      text: "hello",
      direction: "inbound",
    });
    expect(frames[1]![1].message).toMatchObject({ clientId: "client-0002", direction: "outbound" });
    expect(frames.slice(3).flat()).toEqual([]);
    expect(server.rooms.get("a0")!.log).toHaveLength(2);
    closeSockets(sockets);
  });

  it("carries an open-loop timetable with nothing lost or duplicated, each message received by the whole room", async () => {
    await carriesTimetable(baselineRooms(server.url, 3, [], "load"));
  });

  it("counts what is lost, duplicated or refused at each socket", async () => {
    const sockets = await openRooms(baselineRooms(server.url, 2, [], "acct"));
    const real = httpPoster();
    // One socket of room 0 is closed by the server before the run: it misses room 0's 11 messages.
    [...server.rooms.get("acct0")!.sockets][0]!.close();
    await expect.poll(() => sockets.filter((s: BenchSocket) => s.closed !== undefined).length).toBe(1);
    // Participant 0 (room 0): its 2nd message is never posted. Participant 3 (room 1): its 1st is posted twice
    // under two clientIds (two messages with the same bench text). Participant 4: its 3rd is refused (500).
    const poster = {
      post: async (target: unknown, fields: { clientId: string; text: string }) => {
        const { participant, n } = parseBenchText(fields.text)!;
        if (participant === 0 && n === 2) return { status: 201, text: "" };
        if (participant === 4 && n === 3) return { status: 500, text: "boom" };
        if (participant === 3 && n === 1) await real.post(target, { ...fields, clientId: `${fields.clientId}again` });
        return real.post(target, fields);
      },
    };
    const schedule = steadySchedule({ participants: sockets.length, ratePerS: 60, durationMs: 400 });
    const result = await runTimetable(sockets, schedule, { drainMs: 1500, poster });
    real.close();
    closeSockets(sockets);
    expect(result).toMatchObject({
      sent: schedule.length,
      expected: schedule.length * 3,
      failed: 1,
      errors: ["500 boom"],
      closed: 1,
      lost: 3 + 3 + 11,
      duplicated: 3,
    });
    expect(result.received).toBe(result.expected - result.lost);
  });
});

describe("floor room (bench/floor-room.ts in its own wrangler dev)", () => {
  let floor: Awaited<ReturnType<typeof startFloorServer>>;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "bench-floor-"));
    floor = await startFloorServer({ dir });
  }, 120_000);
  afterAll(async () => {
    await floor?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("stores posts with the room's sequence, sends them to every accepted socket, answers a retried clientId with the original, replays after a seq", async () => {
    const rooms = floorRooms(floor.url, 2, [], "t");
    const sockets = await openRooms(rooms);
    const frames = recordFrames(sockets);
    const poster = httpPoster();
    expect(await pong(sockets[1])).toBe(true);
    expect((await poster.post(sockets[0].post, { clientId: "client-0001", text: "hello" })).status).toBe(201);
    expect((await poster.post(sockets[2].post, { clientId: "client-0002", text: "hi" })).status).toBe(201);
    const retried = await poster.post(sockets[1].post, { clientId: "client-0001", text: "again" });
    expect(retried.status).toBe(200);
    expect(JSON.parse(retried.text)).toMatchObject({ duplicate: true, message: { seq: 1, text: "hello" } });
    expect((await poster.post(sockets[0].post, { text: "no client id" })).status).toBe(400);
    for (const i of [0, 1, 2]) await expect.poll(() => frames[i]!.map((f) => f.message.seq)).toEqual([1, 2]);
    expect(frames[0]![0].message).toMatchObject({
      conversationId: "t0",
      clientId: "client-0001",
      text: "hello",
      direction: "inbound",
      author: { kind: "visitor" },
    });
    expect(frames[0]![1].message).toMatchObject({
      clientId: "client-0002",
      direction: "outbound",
      author: { kind: "agent" },
    });
    expect(frames.slice(3).flat()).toEqual([]);
    closeSockets(sockets);
    const [again] = await openRooms([{ participants: [floorRooms(floor.url, 1, [1], "t")[0]!.participants[0]!] }]);
    const replayed = recordFrames([again]);
    await expect.poll(() => replayed[0]!.map((f) => f.message.seq)).toEqual([2]);
    poster.close();
    closeSockets([again]);
  });

  it("carries an open-loop timetable with nothing lost or duplicated", async () => {
    await carriesTimetable(floorRooms(floor.url, 3, [], "load"));
  });
});

describe("the worker through the product's door", () => {
  it("carries a timetable: visitors post to /api/widget/messages, agents to /api/conversations/:id/messages, each message at every socket once", async () => {
    const url = inject("baseUrl");
    const origin = "https://shop.example"; // test/e2e/global-setup.ts E2E_WIDGET_ORIGINS
    const conversations = await newConversations(url, 3, { concurrency: 3, origin });
    const rooms = workerRooms(url, conversations, [inject("adminCookie"), inject("adminCookie")], [], { origin });
    const sockets = await carriesTimetable(rooms);
    // Every participant's socket saw the conversation's messages in sequence.
    for (const s of sockets) expect(s.lastSeq).toBeGreaterThan(0);
  });
});

describe("load timetables", () => {
  it("sends each participant about once per interval, sorted by time", () => {
    const s = jitteredSchedule({ participants: 100, intervalMs: 10_000, durationMs: 60_000 });
    expect(s.length).toBeGreaterThan(500);
    expect(s.length).toBeLessThan(700);
    expect(s.every((e: { at: number }, i: number) => i === 0 || e.at >= s[i - 1].at)).toBe(true);
  });
  it("stamps and parses the planned time", () => {
    expect(parseBenchText(benchText("r1", 7, 3, 1234.5))).toEqual({
      run: "r1",
      participant: 7,
      n: 3,
      plannedAt: 1234.5,
    });
    expect(parseBenchText("someone else's message")).toBeNull();
  });
});

describe("latency recorder", () => {
  it("gives nearest-rank percentiles and medians", () => {
    const r = new LatencyRecorder();
    for (let i = 1; i <= 2000; i++) r.record(i);
    expect(r.summary()).toEqual({ count: 2000, p50: 1000, p99: 1980, max: 2000 });
    expect(new LatencyRecorder().percentile(50)).toBeNaN();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });
});

describe("results", () => {
  it("writes latest.json with the figures and the budgets' verdicts, and a Markdown table", () => {
    const dir = mkdtempSync(join(tmpdir(), "bench-results-"));
    const figures = { "widget.loader_gzip_bytes": 4000, "chat.ratio_p99": 2.1, "chat.sent": 10 };
    writeResults(join(dir, "results", "latest.json"), { figures, machine: { cores: 2 }, mode: "quick" });
    const doc = JSON.parse(readFileSync(join(dir, "results", "latest.json"), "utf8"));
    expect(doc).toMatchObject({
      mode: "quick",
      figures,
      budgets: { "widget.loader_gzip_bytes": true, "chat.ratio_p99": false },
    });
    const table = markdownTable(figures);
    expect(table).toContain("| `widget.loader_gzip_bytes` | 4,000 | ≤ 5 KB ✅ met |");
    expect(table).toContain("❌ missed");
    rmSync(dir, { recursive: true, force: true });
  });
});

describe("list SQL and seed", () => {
  it("is the SQL listConversations runs (drizzle's own), parameters written in", () => {
    const db = drizzle({} as D1Database);
    const query = (where: ReturnType<typeof eq>[]) =>
      db
        .select({ c: conversations, contact: { id: contacts.id, name: contacts.name, email: contacts.email } })
        .from(conversations)
        .leftJoin(contacts, eq(contacts.id, conversations.contactId))
        .where(and(...where))
        .orderBy(desc(conversations.lastMessageAt), desc(conversations.id))
        .limit(50)
        .toSQL();
    expect(listSql()).toBe(query([]).sql.replace("limit ?", "limit 50"));
    expect(listSql({ status: "open" })).toBe(
      query([eq(conversations.status, "open"), isNull(conversations.snoozedUntil)])
        .sql.replace("= ?", "= 'open'")
        .replace("limit ?", "limit 50"),
    );
    expect(listSql({ assignee: null })).toBe(
      query([isNull(conversations.assigneeId)]).sql.replace("limit ?", "limit 50"),
    );
  });
  it("seeds in batched multi-row INSERTs", () => {
    const sql = seedSql(2500, { batch: 1000 });
    expect(sql.match(/^INSERT INTO conversations/gm)).toHaveLength(3);
    expect(sql.match(/\('bench-/g)).toHaveLength(2500);
    // Mine, Snoozed and a label's page have rows to read (else their rows-read figures measure nothing).
    expect(sql.match(/'bench-agent'/g)).toHaveLength(Math.ceil(2500 / 7));
    expect(sql.match(/,4102444800000,/g)?.length).toBeGreaterThan(0);
    expect(sql.match(/'\["lb_bench"\]'/g)).toHaveLength(Math.ceil(2500 / 13));
  });
});

describe("search section (S41)", () => {
  it("draws words with Zipf-like frequencies from a fixed vocabulary, labels a tenth of the conversations", () => {
    const { words, pick } = vocabulary(1000, random(1));
    expect(new Set(words).size).toBe(1000);
    const counts = new Map<string, number>();
    for (let i = 0; i < 50_000; i++) {
      const w = pick();
      counts.set(w, (counts.get(w) ?? 0) + 1);
    }
    const [first, tenth, hundredth] = [words[0], words[9], words[99]].map((w) => counts.get(w!) ?? 0);
    expect(first! / tenth!).toBeGreaterThan(5);
    expect(tenth! / hundredth!).toBeGreaterThan(5);
    const docs = [...benchDocuments({ conversations: 100, perConversation: 10, batch: 50 })].flat();
    expect(docs).toHaveLength(100);
    expect(docs.flatMap((d) => d.items)).toHaveLength(1000);
    expect(docs.filter((d) => d.summary.labels.length).length).toBe(10);
  });

  it("seeds the search database through the product's statements and times every query kind, each finding hits", async () => {
    const dir = mkdtempSync(join(tmpdir(), "search-section-"));
    try {
      const { figures } = await searchSection({
        persistTo: dir,
        quick: true,
        sizes: { conversations: 300, perConversation: 10, requests: 5 },
      });
      expect(figures["search.messages"]).toBe(3000);
      for (const k of ["common", "rare", "phrase", "prefix", "filtered", "relevance"]) {
        expect(Number.isFinite(figures[`search.${k}_p99_ms`]), k).toBe(true);
      }
      expect(figures["search.bytes_per_message"]).toBeGreaterThan(0);
      expect(figures["search.hits_per_page_min"]).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe("email mix and cost model", () => {
  it("replaces or adds the Message-ID, keeping other bytes, and repeats one post in ten", () => {
    const withId = Buffer.from("From: a@b.c\r\nMessage-ID: <old@x>\r\nSubject: \xe9\r\n\r\nbody", "latin1");
    expect(withMessageId(withId, "new@y").toString("latin1")).toBe(
      "From: a@b.c\r\nMessage-ID: <new@y>\r\nSubject: \xe9\r\n\r\nbody",
    );
    expect(withMessageId(Buffer.from("From x@y Mon\nSubject: s\n\nb"), "n@y").toString()).toBe(
      "From x@y Mon\nMessage-ID: <n@y>\nSubject: s\n\nb",
    );
    const posts = emailMix([withId], 100, "t");
    expect(posts.filter((p: { repeat: boolean }) => p.repeat)).toHaveLength(10);
    expect(new Set(posts.map((p: { id: string }) => p.id)).size).toBe(90);
  });
  it("prices only what passes the included amounts", () => {
    const small = monthlyCost({
      perMessage: { doRequests: 1.05, d1RowsWritten: 8, doRowsWritten: 3, doActiveMs: 10 },
      perConversation: { workerRequests: 4, doRequests: 4, d1RowsWritten: 8 },
      perListLoad: { d1RowsRead: 100 },
    });
    expect(small.usd).toBe(0);
    const big = monthlyCost({
      perMessage: { doRequests: 1.05, d1RowsWritten: 8, doRowsWritten: 3, doActiveMs: 10 },
      perConversation: { workerRequests: 4, doRequests: 4, d1RowsWritten: 8 },
      perListLoad: { d1RowsRead: 100 },
      month: {
        agents: 10,
        conversations: 1_000_000,
        messagesPerConversation: 8,
        listLoadsPerAgentPerDay: 100,
        days: 30,
      },
    });
    expect(big.lines.doRequests.usd).toBeCloseTo(((8e6 * 1.05 + 4e6 - 1e6) / 1e6) * 0.15);
    expect(big.usd).toBeGreaterThan(1);
  });
});

describe("profile and CPU figures", () => {
  it("attributes profile samples to our modules, runtime calls to the module that made them, and idle apart, each sample weighing the same", () => {
    // Module paths as esbuild writes them: relative to the output folder, inside the project or outside it.
    const outside = `../../..${process.cwd()}/node_modules/drizzle-orm/d1/session.js`;
    const bundle = [
      "// src/conversation/room.ts",
      "function record() {",
      "}",
      `// ${outside}`,
      "function run() {",
      "}",
    ].join("\n");
    const frame = (functionName: string, url: string, lineNumber: number) => ({
      functionName,
      url,
      lineNumber,
      columnNumber: 0,
      scriptId: "1",
    });
    const profile = {
      nodes: [
        { id: 1, callFrame: frame("(root)", "", -1), children: [2, 3, 5] },
        { id: 2, callFrame: frame("record", "index.js", 1), children: [4] },
        { id: 3, callFrame: frame("run", "index.js", 4), children: [] },
        { id: 4, callFrame: frame("exec", "", -1), children: [] },
        { id: 5, callFrame: frame("(idle)", "", -1), children: [] },
      ],
      samples: [2, 4, 4, 4, 3, 5, 5],
      // The last gap is a descheduled thread, not 50 ms of idle: each sample weighs the median interval.
      timeDeltas: [1000, 1000, 1000, 1000, 1000, 1000, 50_000],
    };
    const summary = summariseProfile(profile, bundle);
    expect(summary.sampledMs).toBe(7);
    expect(summary.idleMs).toBe(2);
    expect(summary.top.map((t) => [t.where, t.ms])).toEqual([
      ["native exec ← src/conversation/room", 3],
      ["src/conversation/room", 1],
      ["drizzle-orm", 1],
    ]);
    expect(summary.top[0]!.shareOfBusy).toBeCloseTo(0.6);
  });

  it("reads a process tree's CPU time from /proc, and sums and shares it between snapshots", () => {
    const before = cpuSnapshot(process.pid)!;
    expect(before[process.pid]).toMatchObject({ name: expect.any(String), cpuS: expect.any(Number) });
    const after = cpuSnapshot(process.pid)!;
    expect(after[process.pid]!.cpuS).toBeGreaterThanOrEqual(before[process.pid]!.cpuS);
    // The arithmetic, on made-up snapshots (no timing: the machine may be busy).
    const used = cpuBetween(
      { 1: { name: "node", cpuS: 1 }, 2: { name: "workerd", cpuS: 2 } },
      { 1: { name: "node", cpuS: 1.5 }, 2: { name: "workerd", cpuS: 4 }, 3: { name: "esbuild", cpuS: 0.25 } },
      4,
    );
    expect(used).toEqual({ totalS: 2.75, busiest: "workerd", busiestShare: 0.5 });
    expect(cpuBetween(null, after, 1)).toBeNull();
  });
});
