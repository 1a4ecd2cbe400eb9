import { describe, expect, it } from "vitest";
import { advanceClock } from "../../src/lib/clock";
import {
  agentSocket,
  call,
  indexRow,
  room,
  signedInAgent,
  startVisitor,
  visitorSays,
  visitorSocket,
  socketsOfEachTest,
} from "./helpers";

const open = socketsOfEachTest();

async function read(id: string) {
  return (await room(id).snapshot())!.conversation.read;
}

describe("read while someone reads it (S4)", () => {
  it("S4: a message that arrives while an agent has the conversation on screen keeps it Read; hidden or gone quiet, it turns unread", async () => {
    const agent = await signedInAgent();
    const v = await startVisitor();
    await visitorSays(v, "first");
    expect(
      (await call(`/api/conversations/${v.conversationId}/open`, { method: "POST", cookie: agent.cookie })).status,
    ).toBe(200);
    const watcher = await agentSocket(agent.cookie, v.conversationId);
    open.push(watcher);

    await visitorSays(v, "while you read");
    expect(await read(v.conversationId)).toBe(true);

    watcher.send({ type: "viewing", visible: false });
    // The socket's own frames are handled in order: a typing frame after it is the proof it was applied.
    const visitor = await visitorSocket(v);
    open.push(visitor);
    watcher.send({ type: "typing", typing: true, composing: "chat" });
    await visitor.next("typing", (f) => f.who === "agent");
    await visitorSays(v, "while your tab is hidden");
    expect(await read(v.conversationId)).toBe(false);

    await call(`/api/conversations/${v.conversationId}/open`, { method: "POST", cookie: agent.cookie });
    watcher.send({ type: "viewing", visible: true });
    watcher.send({ type: "typing", typing: false, composing: "chat" });
    await visitor.next("typing", (f) => f.who === "agent" && !f.typing);
    await visitorSays(v, "back on screen");
    expect(await read(v.conversationId)).toBe(true);

    // A laptop that went to sleep stops pinging: after 30 s it no longer counts as reading.
    advanceClock(31_000);
    await visitorSays(v, "anyone?");
    expect(await read(v.conversationId)).toBe(false);
  });

  it("S2: the unread count counts open conversations only: completing an unread one takes it off", async () => {
    const agent = await signedInAgent();
    const v = await startVisitor();
    await visitorSays(v, "hello");
    await indexRow(v.conversationId);
    const count = async () =>
      ((await (await call("/api/conversations?limit=1", { cookie: agent.cookie })).json()) as { unreadCount: number })
        .unreadCount;
    const before = await count();
    const summary = (await room(v.conversationId).setStatus("complete"))!;
    await indexRow(v.conversationId, summary.version);
    expect(await count()).toBe(before - 1);
  });
});
