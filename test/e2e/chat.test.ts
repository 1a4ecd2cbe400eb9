import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestSocket } from "../support/test-socket";
import { E2E_PRESENCE } from "./global-setup";
import {
  agentSays,
  agentSocket,
  baseUrl,
  call,
  clientId,
  feedSocket,
  newAgent,
  SHOP,
  startVisitor,
  upgradeStatus,
  visitorSays,
  visitorSocket,
} from "./live";
import { StallingProxy } from "./tcp-proxy";

let a: Awaited<ReturnType<typeof newAgent>>;
let b: Awaited<ReturnType<typeof newAgent>>;
const open: TestSocket[] = [];
const track = (s: TestSocket) => {
  open.push(s);
  return s;
};

beforeAll(async () => {
  a = await newAgent();
  b = await newAgent();
});
afterAll(() => {
  for (const s of open) s.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("web chat against wrangler dev", () => {
  it("S15: visitor messages reach two agents' conversation and feed sockets in order; the reply reaches the visitor", async () => {
    const v = await startVisitor();
    const visitor = track(await visitorSocket(v));
    const rooms = [
      track(await agentSocket(a.cookie, v.conversationId)),
      track(await agentSocket(b.cookie, v.conversationId)),
    ];
    const feeds = [track(await feedSocket(a.cookie)), track(await feedSocket(b.cookie))];

    const texts = ["Hello", "Is anyone there?", "I have a question about my order"];
    for (const text of texts) await visitorSays(v, text);
    for (const s of rooms) {
      await s.waitFor(() => s.messages().length === 3, "three messages");
      expect(s.messages().map((m) => [m.seq, m.text])).toEqual(texts.map((t, i) => [i + 1, t]));
    }
    for (const f of feeds) {
      await f.waitFor(() => f.summaries().some((c) => c.id === v.conversationId && c.lastSeq === 3), "feed at seq 3");
      const seqs = f
        .summaries()
        .filter((c) => c.id === v.conversationId)
        .map((c) => c.lastSeq);
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
      expect(f.summaries().find((c) => c.id === v.conversationId)!.read).toBe(false);
    }

    await agentSays(a.cookie, v.conversationId, "Happy to help!");
    const reply = await visitor.next("message", (f) => f.message.text === "Happy to help!");
    expect(reply.message).toMatchObject({
      seq: 4,
      direction: "outbound",
      author: { kind: "agent", id: a.id, name: a.name },
    });

    // The list over HTTP shows it at the top with the latest preview.
    await expect
      .poll(async () => {
        const res = await call("/api/conversations?limit=5", { cookie: a.cookie });
        const { conversations } = (await res.json()) as { conversations: { id: string; preview: string }[] };
        return conversations[0];
      })
      .toMatchObject({ id: v.conversationId, preview: "Happy to help!" });
  });

  it("S29: a dropped socket reconnects with its last sequence and receives exactly what it missed", async () => {
    const v = await startVisitor();
    const first = await visitorSocket(v);
    await visitorSays(v, "first");
    await first.next("message", (f) => f.message.seq === 1);
    first.close();
    for (const text of ["missed 1", "missed 2"]) await agentSays(a.cookie, v.conversationId, text);
    const again = track(await visitorSocket(v, 1));
    await again.waitFor(() => again.messages().length === 2, "the missed messages");
    // Frames arrive in order: once a later message is in, no repeat of the missed ones can follow.
    await agentSays(a.cookie, v.conversationId, "after");
    await again.next("message", (f) => f.message.text === "after");
    expect(again.messages().map((m) => [m.seq, m.text])).toEqual([
      [2, "missed 1"],
      [3, "missed 2"],
      [4, "after"],
    ]);
  });

  it("S29: the same client id sent twice over HTTP is one message", async () => {
    const v = await startVisitor();
    const id = clientId();
    const first = await visitorSays(v, "just once", id);
    const second = await visitorSays(v, "just once", id);
    expect([first.res.status, second.res.status]).toEqual([201, 200]);
    expect(second.body.message).toEqual(first.body.message);
    const res = await call(`/api/conversations/${v.conversationId}`, { cookie: a.cookie });
    expect(((await res.json()) as { messages: unknown[] }).messages).toHaveLength(1);
  });

  it("S3: moving between two pages within the grace period keeps the visitor online", async () => {
    const v = await startVisitor();
    const watcher = track(await agentSocket(a.cookie, v.conversationId));
    const page1 = await visitorSocket(v);
    await watcher.next("presence", (f) => f.visitorOnline);
    page1.close();
    await sleep(E2E_PRESENCE.graceMs / 3);
    const page2 = track(await visitorSocket(v));
    await sleep(E2E_PRESENCE.graceMs + E2E_PRESENCE.sweepMs * 2);
    expect(
      watcher.frames.filter((f) => f.type === "presence").map((f) => (f as { visitorOnline: boolean }).visitorOnline),
    ).toEqual([true]);
    page2.close();
    await watcher.next("presence", (f) => !f.visitorOnline, E2E_PRESENCE.graceMs + E2E_PRESENCE.sweepMs * 4);
  });

  it("S3: a visitor whose connection is cut without a close goes offline within the sweep", async () => {
    const v = await startVisitor();
    const feed = track(await feedSocket(a.cookie));
    const proxy = new StallingProxy({ host: "127.0.0.1", port: Number(new URL(baseUrl).port) });
    const via = await proxy.listen();
    try {
      const visitor = await visitorSocket(v, 0, via);
      await feed.next("presence", (f) => f.conversationId === v.conversationId && f.visitorOnline);
      // Keep-alive pings keep it online well past the stale limit…
      await sleep(E2E_PRESENCE.staleMs * 2);
      expect(visitor.pongs).toBeGreaterThan(3);
      expect(
        feed.frames.some((f) => f.type === "presence" && f.conversationId === v.conversationId && !f.visitorOnline),
      ).toBe(false);
      // …until the network silently drops the connection. How soon is pinned by the worker tests, on a fake clock.
      proxy.stall();
      await feed.next("presence", (f) => f.conversationId === v.conversationId && !f.visitorOnline, 10_000);
      visitor.close();
    } finally {
      proxy.close();
    }
  });

  it("S28: an oversized frame gets an error frame over the real socket and nothing is stored", async () => {
    const v = await startVisitor();
    const visitor = track(await visitorSocket(v));
    visitor.send({ type: "typing", typing: true, pad: "x".repeat(20_000) });
    const error = await visitor.next("error");
    expect(error).toMatchObject({ code: "frame_too_large" });
    const res = await call(`/api/conversations/${v.conversationId}`, { cookie: a.cookie });
    expect(((await res.json()) as { messages: unknown[] }).messages).toEqual([]);
  });

  it("S9: a conversation socket from a foreign Origin or without a session is refused by the real server", async () => {
    const v = await startVisitor();
    const path = `/api/conversations/${v.conversationId}/socket`;
    expect(await upgradeStatus(path, { origin: baseUrl, cookie: a.cookie })).toBe(101);
    expect(await upgradeStatus(path, { origin: "https://evil.example", cookie: a.cookie })).toBe(403);
    expect(await upgradeStatus(path, { origin: baseUrl })).toBe(401);
    expect(await upgradeStatus("/api/inbox/socket", { origin: SHOP, cookie: a.cookie })).toBe(403);
  });
});
