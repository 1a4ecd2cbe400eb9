import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { advanceClock } from "../../src/lib/clock";
import type { Viewer } from "../../src/protocol";
import {
  agentSays,
  agentSocket,
  feedSocket,
  room,
  signedInAgent,
  startVisitor,
  type TestSocket,
  visitorSays,
  visitorSocket,
  socketsOfEachTest,
} from "./helpers";

const open = socketsOfEachTest();

function track(s: TestSocket) {
  open.push(s);
  return s;
}

/** Waits for a viewers frame of `id` whose markers match `want`. */
async function markers(s: TestSocket, want: (v: Viewer[]) => boolean) {
  const frame = await s.next("viewers", (f) => want(f.viewers));
  return frame.viewers;
}

const of = (viewers: Viewer[], agentId: string) => viewers.find((v) => v.agentId === agentId);

describe("collision awareness (S37)", () => {
  it("S37: agents see who is viewing (visible or background) and who is replying, live in the room and the feed; visitors never", async () => {
    const [ada, alex, bo] = [await signedInAgent(), await signedInAgent(), await signedInAgent()];
    const v = await startVisitor();
    await visitorSays(v, "hello");
    const visitor = track(await visitorSocket(v));
    const alexRoom = track(await agentSocket(alex.cookie, v.conversationId));
    const boFeed = track(await feedSocket(bo.cookie));
    const adaRoom = track(await agentSocket(ada.cookie, v.conversationId));
    await markers(alexRoom, (m) => of(m, ada.id)?.state === "viewing");
    await markers(boFeed, (m) => of(m, ada.id)?.state === "viewing" && of(m, alex.id)?.state === "viewing");

    adaRoom.send({ type: "viewing", visible: false });
    await markers(alexRoom, (m) => of(m, ada.id)?.state === "background");
    adaRoom.send({ type: "typing", typing: true, composing: "note" });
    await markers(alexRoom, (m) => of(m, ada.id)?.replying === true);
    adaRoom.send({ type: "typing", typing: false, composing: "note" });
    await markers(alexRoom, (m) => of(m, ada.id)?.replying === false);
    adaRoom.close();
    await markers(alexRoom, (m) => !of(m, ada.id));
    await markers(boFeed, (m) => !of(m, ada.id));

    // The visitor's socket carries the conversation's messages in order: none of the markers came before this one.
    await agentSays(alex.cookie, v.conversationId, "Hi there");
    await visitor.next("message", (f) => f.message.text === "Hi there");
    expect(visitor.frames.some((f) => f.type === "viewers")).toBe(false);
  });

  it("S37: a marker never goes stale: a draft left alone stops 'replying' after 10 s; a silent tab loses its marker within 30 s", async () => {
    const [ada, alex] = [await signedInAgent(), await signedInAgent()];
    const v = await startVisitor();
    await visitorSays(v, "hello");
    const alexRoom = track(await agentSocket(alex.cookie, v.conversationId).then((s) => s.keepAlive(1000)));
    const adaRoom = track(await agentSocket(ada.cookie, v.conversationId));
    adaRoom.send({ type: "typing", typing: true, composing: "chat" });
    await markers(alexRoom, (m) => of(m, ada.id)?.replying === true);

    advanceClock(11_000);
    await runDurableObjectAlarm(room(v.conversationId));
    await markers(alexRoom, (m) => of(m, ada.id)?.replying === false);

    advanceClock(25_000);
    await runDurableObjectAlarm(room(v.conversationId));
    await markers(alexRoom, (m) => !of(m, ada.id));
    await adaRoom.waitFor(() => adaRoom.closed !== null, "the silent tab's socket to close");
  });
});
