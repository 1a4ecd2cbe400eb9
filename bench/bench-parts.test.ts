// The bench's own parts, so it cannot rot silently (the bench itself never runs in `npm test`).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { and, desc, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contacts, conversations } from "../src/db/schema";
import { startBaselineServer } from "./baseline-server.mjs";
import { closeSockets, jitteredSchedule, openRooms, parseBenchText, runTimetable, steadySchedule, benchText } from "./chat-load.mjs";
import { monthlyCost } from "./cost-model.mjs";
import { summariseProfile } from "./cpu-profile.mjs";
import { cpuBetween, cpuSnapshot } from "./process-cpu.mjs";
import { emailMix, withMessageId } from "./email-bench.mjs";
import { LatencyRecorder, median } from "./latency-recorder.mjs";
import { listSql, seedSql } from "./list-bench.mjs";
import { markdownTable, writeResults } from "./report.mjs";

describe("baseline server", () => {
  let server: Awaited<ReturnType<typeof startBaselineServer>>;
  beforeAll(async () => {
    server = await startBaselineServer();
  });
  afterAll(() => server.close());

  it("answers ping, sequences messages, fans out to the room, answers a retried clientId with the original", async () => {
    const rooms = [{ participants: [{ url: `${server.url}/?room=a&role=visitor` }, { url: `${server.url}/?room=a&role=agent` }] }, { participants: [{ url: `${server.url}/?room=b` }] }];
    const sockets = await openRooms(rooms);
    const frames: any[][] = sockets.map(() => []);
    sockets.forEach((s: any, i: number) => (s.onFrame = (f: any) => frames[i]!.push(f)));
    const pong = new Promise((resolve) => sockets[0].ws.addEventListener("message", (e: MessageEvent) => e.data === "pong" && resolve(true)));
    sockets[0].ws.send("ping");
    expect(await pong).toBe(true);
    sockets[0].ws.send(JSON.stringify({ type: "send", clientId: "client-0001", text: "hello" }));
    await expect.poll(() => frames[1]!.length).toBe(1);
    sockets[1].ws.send(JSON.stringify({ type: "send", clientId: "client-0002", text: "hi" }));
    await expect.poll(() => frames[0]!.length).toBe(2);
    sockets[0].ws.send(JSON.stringify({ type: "send", clientId: "client-0001", text: "hello" }));
    sockets[0].ws.send(JSON.stringify({ type: "send", clientId: "x", text: "bad" }));
    await expect.poll(() => frames[0]!.length).toBe(4);
    expect(frames[0]!.map((f) => f.type)).toEqual(["message", "message", "message", "error"]);
    expect(frames[0]!.slice(0, 3).map((f) => f.message.seq)).toEqual([1, 2, 1]);
    expect(frames[1]!.map((f) => f.message.seq)).toEqual([1, 2]);
    expect(frames[1]![0].message).toMatchObject({ conversationId: "a", clientId: "client-0001", text: "hello", direction: "inbound" });
    expect(frames[2]).toEqual([]);
    expect(server.rooms.get("a")!.log).toHaveLength(2);
    closeSockets(sockets);
  });

  it("carries an open-loop timetable with nothing lost or duplicated, each message received by the whole room", async () => {
    const rooms = Array.from({ length: 4 }, (_, i) => ({ participants: [0, 1, 2].map(() => ({ url: `${server.url}/?room=load${i}` })) }));
    const sockets = await openRooms(rooms);
    const schedule = steadySchedule({ participants: sockets.length, ratePerS: 200, durationMs: 500 });
    const result = await runTimetable(sockets, schedule, { drainMs: 3000 });
    closeSockets(sockets);
    expect(result.sent).toBe(schedule.length);
    expect(result).toMatchObject({ expected: schedule.length * 3, received: schedule.length * 3, lost: 0, duplicated: 0, count: schedule.length * 3 });
    expect(result.p50).toBeGreaterThanOrEqual(0);
    expect(result.p99).toBeLessThan(1000);
    // The runtime floor probe (ping → pong) ran beside the load.
    expect(Number.isFinite(result.floorP50)).toBe(true);
    expect(result.floorP99).toBeLessThan(1000);
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
    expect(parseBenchText(benchText("r1", 7, 3, 1234.5))).toEqual({ run: "r1", participant: 7, n: 3, plannedAt: 1234.5 });
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
    expect(doc).toMatchObject({ mode: "quick", figures, budgets: { "widget.loader_gzip_bytes": true, "chat.ratio_p99": false } });
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
    expect(listSql({ status: "open" })).toBe(query([eq(conversations.status, "open")]).sql.replace("= ?", "= 'open'").replace("limit ?", "limit 50"));
  });
  it("seeds in batched multi-row INSERTs", () => {
    const sql = seedSql(2500, { batch: 1000 });
    expect(sql.match(/^INSERT INTO conversations/gm)).toHaveLength(3);
    expect(sql.match(/\('bench-/g)).toHaveLength(2500);
  });
});

describe("email mix and cost model", () => {
  it("replaces or adds the Message-ID, keeping other bytes, and repeats one post in ten", () => {
    const withId = Buffer.from("From: a@b.c\r\nMessage-ID: <old@x>\r\nSubject: \xe9\r\n\r\nbody", "latin1");
    expect(withMessageId(withId, "new@y").toString("latin1")).toBe("From: a@b.c\r\nMessage-ID: <new@y>\r\nSubject: \xe9\r\n\r\nbody");
    expect(withMessageId(Buffer.from("From x@y Mon\nSubject: s\n\nb"), "n@y").toString()).toBe("From x@y Mon\nMessage-ID: <n@y>\nSubject: s\n\nb");
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
      month: { agents: 10, conversations: 1_000_000, messagesPerConversation: 8, listLoadsPerAgentPerDay: 100, days: 30 },
    });
    expect(big.lines.doRequests.usd).toBeCloseTo(((8e6 * 1.05 + 4e6 - 1e6) / 1e6) * 0.15);
    expect(big.usd).toBeGreaterThan(1);
  });
});

describe("profile and CPU figures", () => {
  it("attributes profile samples to our modules, runtime calls to the module that made them, and idle apart", () => {
    const bundle = ["// src/conversation/room.ts", "function record() {", "}", "// node_modules/drizzle-orm/d1/session.js", "function run() {", "}"].join("\n");
    const frame = (functionName: string, url: string, lineNumber: number) => ({ functionName, url, lineNumber, columnNumber: 0, scriptId: "1" });
    const profile = {
      nodes: [
        { id: 1, callFrame: frame("(root)", "", -1), children: [2, 3, 5] },
        { id: 2, callFrame: frame("record", "index.js", 1), children: [4] },
        { id: 3, callFrame: frame("run", "index.js", 4), children: [] },
        { id: 4, callFrame: frame("exec", "", -1), children: [] },
        { id: 5, callFrame: frame("(idle)", "", -1), children: [] },
      ],
      samples: [2, 4, 4, 4, 3, 5, 5],
      timeDeltas: [1000, 1000, 1000, 1000, 1000, 1000, 1000],
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

  it("reads this process's CPU time from /proc and shares it over the wall time", () => {
    const before = cpuSnapshot(process.pid);
    const start = performance.now();
    while (performance.now() - start < 200);
    const used = cpuBetween(before, cpuSnapshot(process.pid), (performance.now() - start) / 1000);
    expect(used!.totalS).toBeGreaterThan(0.1);
    expect(used!.busiestShare).toBeGreaterThan(0.5);
  });
});
