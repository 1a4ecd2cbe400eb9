import { env } from "cloudflare:workers";
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { readState } from "../../src/conversation/storage";
import { advanceClock, resetClock } from "../../src/lib/clock";
import { MAX_FRAME_BYTES } from "../../src/protocol";
import {
  agentSays,
  agentSocket,
  clientId,
  feedSocket,
  room,
  SHOP,
  signedInAgent,
  startVisitor,
  type TestSocket,
  upgradeStatus,
  visitorSays,
  visitorSocket,
} from "./helpers";

const sockets: TestSocket[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
  resetClock();
});

function track(s: TestSocket) {
  sockets.push(s);
  return s;
}

/** Waits until the conversation object has seen the visitor's last page close (its grace period started). */
async function pageClosed(id: string) {
  await expect
    .poll(() => runInDurableObject(room(id), (_o, state) => readState(state.storage.sql)?.visitorOfflineAt ?? null))
    .not.toBeNull();
}

describe("live chat over sockets", () => {
  it("S15: a visitor's message reaches every agent's conversation socket and feed, in order; a reply reaches the visitor", async () => {
    const a = await signedInAgent();
    const b = await signedInAgent();
    const v = await startVisitor();
    const visitor = track(await visitorSocket(v));
    const [roomA, roomB] = [
      track(await agentSocket(a.cookie, v.conversationId)),
      track(await agentSocket(b.cookie, v.conversationId)),
    ];
    const [feedA, feedB] = [track(await feedSocket(a.cookie)), track(await feedSocket(b.cookie))];

    for (const text of ["one", "two", "three"]) await visitorSays(v, text);
    for (const s of [roomA, roomB]) {
      await s.waitFor(() => s.messages().length === 3, "three messages");
      expect(s.messages().map((m) => [m.seq, m.text, m.direction])).toEqual([
        [1, "one", "inbound"],
        [2, "two", "inbound"],
        [3, "three", "inbound"],
      ]);
    }
    for (const f of [feedA, feedB]) {
      await f.waitFor(() => f.summaries().some((c) => c.id === v.conversationId && c.lastSeq === 3), "feed update");
      const seqs = f
        .summaries()
        .filter((c) => c.id === v.conversationId)
        .map((c) => c.lastSeq);
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    }

    await agentSays(a.cookie, v.conversationId, "Hi, how can I help?");
    const reply = await visitor.next("message", (f) => f.message.text === "Hi, how can I help?");
    expect(reply.message).toMatchObject({ seq: 4, direction: "outbound", author: { kind: "agent", id: a.id } });
    await roomB.next("message", (f) => f.message.seq === 4);
  });

  it("S15: typing indicators go both ways and are never stored", async () => {
    const agent = await signedInAgent();
    const v = await startVisitor();
    const visitor = track(await visitorSocket(v));
    const roomSocket = track(await agentSocket(agent.cookie, v.conversationId));
    const feed = track(await feedSocket(agent.cookie));
    visitor.send({ type: "typing", typing: true });
    await roomSocket.next("typing", (f) => f.who === "visitor" && f.typing);
    await feed.next("typing", (f) => f.conversationId === v.conversationId);
    roomSocket.send({ type: "typing", typing: true, composing: "chat" });
    const typing = await visitor.next("typing", (f) => f.who === "agent");
    expect(typing.agentName).toMatch(/^Test agent/);
    expect(await room(v.conversationId).history({ limit: 10 })).toEqual([]);
  });

  it("S33: an agent typing a note or an email is seen by the other agents, never by the visitor", async () => {
    const [ada, alex] = [await signedInAgent(), await signedInAgent()];
    const v = await startVisitor();
    const visitor = track(await visitorSocket(v));
    const adaRoom = track(await agentSocket(ada.cookie, v.conversationId));
    const alexRoom = track(await agentSocket(alex.cookie, v.conversationId));
    adaRoom.send({ type: "typing", typing: true, composing: "note" });
    adaRoom.send({ type: "typing", typing: true, composing: "email" });
    adaRoom.send({ type: "typing", typing: true, composing: "chat" });
    await alexRoom.waitFor(
      () => alexRoom.frames.filter((f) => f.type === "typing").length === 3,
      "three typing frames",
    );
    expect(alexRoom.frames.flatMap((f) => (f.type === "typing" ? [f.composing] : []))).toEqual([
      "note",
      "email",
      "chat",
    ]);
    // Frames arrive in order: the first agent typing the visitor sees is the chat reply's.
    const first = await visitor.next("typing", (f) => f.who === "agent");
    expect(first).toMatchObject({ typing: true, composing: "chat" });
    expect(visitor.frames.filter((f) => f.type === "typing")).toHaveLength(1);
  });

  it("S29: a socket that reconnects with its last sequence receives exactly what it missed", async () => {
    const agent = await signedInAgent();
    const v = await startVisitor();
    const first = track(await visitorSocket(v));
    await visitorSays(v, "m1");
    await first.next("message", (f) => f.message.seq === 1);
    first.close();
    await agentSays(agent.cookie, v.conversationId, "m2");
    await agentSays(agent.cookie, v.conversationId, "m3");
    const again = track(await visitorSocket(v, 1));
    await again.waitFor(() => again.messages().length === 2, "the two missed messages");
    expect(again.messages().map((m) => m.seq)).toEqual([2, 3]);
    expect(again.frames[0]).toMatchObject({ type: "welcome", lastSeq: 3, conversationId: v.conversationId });
  });

  it("S29: a retried send with the same client id is stored and delivered once; the sender gets the original back", async () => {
    const agent = await signedInAgent();
    const v = await startVisitor();
    const watcher = track(await agentSocket(agent.cookie, v.conversationId));
    const id = clientId();
    const [first, second] = await Promise.all([visitorSays(v, "retry me", id), visitorSays(v, "retry me", id)]);
    expect([first.res.status, second.res.status].sort()).toEqual([200, 201]);
    expect(first.body.message).toEqual(second.body.message);
    // The next message arriving after it proves the first was delivered once: frames are in order.
    await visitorSays(v, "next");
    await watcher.next("message", (f) => f.message.text === "next");
    expect(watcher.messages().map((m) => m.text)).toEqual(["retry me", "next"]);
    expect(await room(v.conversationId).history({ limit: 10 })).toHaveLength(2);
  });

  it("S29: sockets keep working across an eviction of the conversation object, with nothing lost", async () => {
    const agent = await signedInAgent();
    const v = await startVisitor();
    const visitor = track(await visitorSocket(v));
    const agentRoom = track(await agentSocket(agent.cookie, v.conversationId));
    await visitorSays(v, "before");
    await agentRoom.next("message", (f) => f.message.text === "before");

    await evictDurableObject(room(v.conversationId), { webSockets: "hibernate" });

    await visitorSays(v, "after");
    const after = await agentRoom.next("message", (f) => f.message.text === "after");
    expect(after.message.seq).toBe(2);
    await agentSays(agent.cookie, v.conversationId, "still here");
    await visitor.next("message", (f) => f.message.text === "still here");
    expect((await room(v.conversationId).snapshot())!.visitorOnline).toBe(true);
    expect((await room(v.conversationId).history({ limit: 10 }))!.map((m) => m.seq)).toEqual([1, 2, 3]);
  });
});

describe("presence (S3)", () => {
  it("S3: a visitor is online while a page is open, and stays online through a page change within the grace period", async () => {
    const agent = await signedInAgent();
    const v = await startVisitor();
    const feed = track(await feedSocket(agent.cookie));
    const watcher = track(await agentSocket(agent.cookie, v.conversationId));
    const page1 = track(await visitorSocket(v));
    await watcher.next("presence", (f) => f.visitorOnline);
    await feed.next("presence", (f) => f.conversationId === v.conversationId && f.visitorOnline);

    page1.close();
    await pageClosed(v.conversationId);
    advanceClock(Number(env.PRESENCE_GRACE_MS) / 2);
    track(await visitorSocket(v)); // the next page of the site
    advanceClock(Number(env.PRESENCE_GRACE_MS));
    await runDurableObjectAlarm(room(v.conversationId));
    expect((await room(v.conversationId).snapshot())!.visitorOnline).toBe(true);
    expect(watcher.frames.filter((f) => f.type === "presence" && !f.visitorOnline)).toEqual([]);
  });

  it("S3: after the last page closes the visitor goes offline once the grace period is over", async () => {
    const agent = await signedInAgent();
    const v = await startVisitor();
    const feed = track(await feedSocket(agent.cookie));
    const page = track(await visitorSocket(v));
    await feed.next("presence", (f) => f.conversationId === v.conversationId && f.visitorOnline);
    page.close();
    await pageClosed(v.conversationId);
    await runDurableObjectAlarm(room(v.conversationId));
    expect((await room(v.conversationId).snapshot())!.visitorOnline).toBe(true);
    advanceClock(Number(env.PRESENCE_GRACE_MS) + 1);
    await runDurableObjectAlarm(room(v.conversationId));
    await feed.next("presence", (f) => f.conversationId === v.conversationId && !f.visitorOnline);
    const fresh = track(await feedSocket(agent.cookie));
    expect(fresh.frames[0]).toMatchObject({ type: "snapshot" });
    expect((fresh.frames[0] as { online: string[] }).online).not.toContain(v.conversationId);
  });

  it("S3: a tab that vanishes without a goodbye goes offline at the next sweep after it went silent", async () => {
    const agent = await signedInAgent();
    const v = await startVisitor();
    track(await visitorSocket(v)); // never pings, never closes
    const feed = track(await feedSocket(agent.cookie));
    expect((feed.frames[0] as { online: string[] }).online).toContain(v.conversationId);
    advanceClock(Number(env.PRESENCE_STALE_MS) + 1);
    await runDurableObjectAlarm(room(v.conversationId));
    await feed.next("presence", (f) => f.conversationId === v.conversationId && !f.visitorOnline);
    expect((await room(v.conversationId).snapshot())!.visitorOnline).toBe(false);
  });

  it("S3: alarms run only while there is work: none once the visitor is offline and the index is current", async () => {
    const v = await startVisitor();
    await visitorSays(v, "hello");
    const page = track(await visitorSocket(v));
    page.close();
    await pageClosed(v.conversationId);
    advanceClock(Number(env.PRESENCE_GRACE_MS) + 1);
    expect(await runDurableObjectAlarm(room(v.conversationId))).toBe(true);
    expect(await runDurableObjectAlarm(room(v.conversationId))).toBe(false);
  });
});

describe("refusals", () => {
  it("S28: malformed, invalid, oversized and binary frames get an error frame and store nothing", async () => {
    const agent = await signedInAgent();
    const v = await startVisitor();
    const visitor = track(await visitorSocket(v));
    const agentRoom = track(await agentSocket(agent.cookie, v.conversationId));
    const cases: [unknown, string][] = [
      ["{not json", "malformed_frame"],
      [{ type: "shout", text: "hi" }, "invalid_frame"],
      [{ type: "typing", typing: "yes" }, "invalid_frame"],
      [{ type: "typing", typing: true, extra: true }, "invalid_frame"],
      [{ type: "typing", typing: true, composing: "fax" }, "invalid_frame"],
      // Posting is HTTP's alone: one door, with every rule.
      [{ type: "send", clientId: clientId(), text: "hi" }, "not_allowed"],
      [JSON.stringify({ type: "typing", typing: true, pad: "x".repeat(MAX_FRAME_BYTES) }), "frame_too_large"],
    ];
    for (const [frame, code] of cases) {
      visitor.send(frame);
      await visitor.next("error", (f) => f.code === code);
    }
    visitor.ws.send(new Uint8Array([1, 2, 3]));
    await visitor.next("error", (f) => f.code === "binary_not_supported");
    expect(await room(v.conversationId).history({ limit: 10 })).toEqual([]);
    expect(agentRoom.frames.filter((f) => f.type === "message" || f.type === "typing")).toEqual([]);
    visitor.send({ type: "typing", typing: true });
    await agentRoom.next("typing", (f) => f.who === "visitor" && f.typing);
  });

  it("S9: sockets refuse a missing session, a foreign Origin, another visitor's token, an expired token", async () => {
    const agent = await signedInAgent();
    const mine = await startVisitor();
    const theirs = await startVisitor();
    await visitorSays(theirs, "private to them");

    const noSession = await upgradeStatus(`/api/conversations/${theirs.conversationId}/socket`);
    expect(noSession).toBe(401);
    const foreign = await upgradeStatus(`/api/conversations/${theirs.conversationId}/socket`, {
      cookie: agent.cookie,
      origin: SHOP,
    });
    expect(foreign).toBe(403);
    const feedForeign = await upgradeStatus("/api/inbox/socket", {
      cookie: agent.cookie,
      origin: "https://evil.example",
    });
    expect(feedForeign).toBe(403);

    // A visitor token addresses only its own conversation: there is no way to name another.
    const own = track(await visitorSocket(mine));
    // Frames arrive in order: once the visitor's own later message is in, theirs never will be.
    await visitorSays(mine, "mine");
    await own.next("message", (f) => f.message.text === "mine");
    expect(own.messages().map((m) => m.text)).toEqual(["mine"]);

    advanceClock(3 * 60 * 60 * 1000);
    const expired = await upgradeStatus(`/api/widget/socket?token=${mine.token}`, { origin: SHOP });
    expect(expired).toBe(401);
    const garbage = await upgradeStatus("/api/widget/socket?token=abc", { origin: SHOP });
    expect(garbage).toBe(401);
  });

  it("S9: a widget socket from an origin outside WIDGET_ORIGINS is refused", async () => {
    const v = await startVisitor();
    const status = await upgradeStatus(`/api/widget/socket?token=${v.token}`, {
      origin: "https://not-allowed.example",
    });
    expect(status).toBe(403);
    expect(env.WIDGET_ORIGINS).not.toContain("*");
  });

  it("S28: the inbox feed is read-only: frames sent to it get an error frame", async () => {
    const agent = await signedInAgent();
    const feed = track(await feedSocket(agent.cookie));
    feed.send({ type: "typing", typing: true });
    await feed.next("error", (f) => f.code === "not_allowed");
    feed.send("{");
    await feed.next("error", (f) => f.code === "malformed_frame");
  });
});
