import { describe, expect, inject, it } from "vitest";
import { transcriptFor } from "../../src/channels/email/reply-channel";
import { messengerConversationId } from "../../src/channels/messenger/routes";
import type { ConversationSummary, Message } from "../../src/protocol";
import {
  agentSays,
  call,
  clientId,
  connect,
  errorOf,
  room,
  signedInAgent,
  startVisitor,
  type TestSocket,
  visitorSays,
  socketsOfEachTest,
} from "./helpers";
import { conversationOf, deliver, mail } from "./email-helpers";
import { messengerText, webhook } from "./messenger-helpers";

const SHOP = "https://shop.example";
const sockets = socketsOfEachTest();

async function track(s: Promise<TestSocket>) {
  const socket = await s;
  sockets.push(socket);
  return socket;
}

function post(cookie: string, id: string, body: { clientId?: string; channel: string; text: string }) {
  return call(`/api/conversations/${id}/messages`, { cookie, body: { clientId: clientId(), ...body } });
}

async function graphCallCount(): Promise<number> {
  return ((await (await fetch(`${new URL(inject("graphStubUrl")).origin}/__calls`)).json()) as unknown[]).length;
}

/** A chat conversation whose visitor gave an address: every channel but Messenger can reach it. */
async function chatWithAddress() {
  const v = await startVisitor();
  await visitorSays(v, "Hello");
  const linked = await call("/api/widget/contact", {
    body: { email: `doors-${clientId()}@example.org` },
    headers: { authorization: `Bearer ${v.token}` },
    origin: SHOP,
  });
  expect(linked.status).toBe(200);
  return v;
}

describe("the agent door", () => {
  it("S12: an unfilled tag is refused with the same answer on every channel, over HTTP and by RPC, and nothing is stored", async () => {
    const agent = await signedInAgent();
    const v = await chatWithAddress();
    const psid = `doors-${clientId()}`;
    expect((await webhook(messengerText(psid, `mid.${psid}`, "hi"))).status).toBe(200);
    const messengerId = await messengerConversationId(psid);
    const author = { kind: "agent" as const, id: agent.id, name: "Ada" };
    const text = "Hi {{contact.first_name}}";

    const answers = [];
    for (const [id, channel] of [
      [v.conversationId, "chat"],
      [v.conversationId, "email"],
      [v.conversationId, "note"],
      [messengerId, "messenger"],
    ] as const) {
      const res = await post(agent.cookie, id, { channel, text });
      answers.push([res.status, (await errorOf(res)).code]);
      const rpc = await room(id).post(
        channel === "note"
          ? { kind: "note", clientId: clientId(), text, author }
          : { kind: "reply", channel, clientId: clientId(), text, author },
      );
      answers.push(rpc?.ok === false ? [422, rpc.code] : ["stored", null]);
    }
    expect(new Set(answers.map((a) => JSON.stringify(a)))).toEqual(new Set([JSON.stringify([422, "unfilled_tags"])]));
    expect((await room(v.conversationId).history({ limit: 10 }))!.map((m) => m.text)).toEqual(["Hello"]);
    expect((await room(messengerId).history({ limit: 10 }))!.map((m) => m.text)).toEqual(["hi"]);
  });

  it("S28: a channel that cannot reach the conversation is refused with its reason on every door", async () => {
    const agent = await signedInAgent();
    const v = await startVisitor();
    await visitorSays(v, "no address given");
    const author = { kind: "agent" as const, id: agent.id, name: "Ada" };
    for (const channel of ["email", "messenger"] as const) {
      const res = await post(agent.cookie, v.conversationId, { channel, text: "Hello" });
      const http = await errorOf(res);
      const rpc = await room(v.conversationId).post({
        kind: "reply",
        channel,
        clientId: clientId(),
        text: "Hello",
        author,
      });
      expect([res.status, http.code]).toEqual([422, "channel_refused"]);
      expect(rpc).toEqual({ ok: false, code: "channel_refused", reason: http.message });
    }
    // A conversation that started by email has no web chat visitor.
    const messageId = `<doors-${clientId()}@mail.example.org>`;
    await deliver(mail({ from: "Grace <grace@example.org>", messageId }));
    const emailId = (await conversationOf(messageId.slice(1, -1)))!;
    const res = await post(agent.cookie, emailId, { channel: "chat", text: "Hello" });
    expect([res.status, (await errorOf(res)).message]).toEqual([422, "This conversation has no web chat visitor."]);
    expect((await room(v.conversationId).history({ limit: 10 }))!).toHaveLength(1);
  });

  it("S29: client ids are per author: another agent's id is refused, the same agent's retry answers the original", async () => {
    const [ada, alex] = [await signedInAgent(), await signedInAgent()];
    const v = await startVisitor();
    await visitorSays(v, "hi");
    const id = clientId();
    const first = await agentSays(ada.cookie, v.conversationId, "Ada's answer", id);
    const retry = await agentSays(ada.cookie, v.conversationId, "Ada's answer", id);
    const stolen = await agentSays(alex.cookie, v.conversationId, "Alex's answer", id);
    expect([first.res.status, retry.res.status, stolen.res.status]).toEqual([201, 200, 409]);
    expect(retry.body.message).toEqual(first.body.message);
    expect((await room(v.conversationId).history({ limit: 10 }))!.map((m) => m.text)).toEqual(["hi", "Ada's answer"]);
  });
});

describe("the channel door", () => {
  it("S28: a customer's {{…}} is their text: stored as written from the widget, email and Messenger", async () => {
    const text = "Your template says {{contact.first_name}} instead of my name";
    const v = await startVisitor();
    const widget = await visitorSays(v, text);
    expect(widget.res.status).toBe(201);

    const messageId = `<tags-${clientId()}@mail.example.org>`;
    await deliver(mail({ from: "Grace <grace-tags@example.org>", messageId }, text));
    const emailId = (await conversationOf(messageId.slice(1, -1)))!;

    const psid = `tags-${clientId()}`;
    expect((await webhook(messengerText(psid, `mid.${psid}`, text))).status).toBe(200);

    for (const id of [v.conversationId, emailId, await messengerConversationId(psid)]) {
      expect((await room(id).history({ limit: 10 }))!.map((m) => [m.kind, m.text])).toEqual([["customer", text]]);
    }
  });
});

describe("the timeline's kinds (S33)", () => {
  it("S33: notes and events reach every agent and never the visitor; they leave status, unread, preview and order alone", async () => {
    const agent = await signedInAgent();
    const v = await chatWithAddress();
    const visitor = await track(connect(`/api/widget/socket?token=${encodeURIComponent(v.token)}`, { origin: SHOP }));
    const watcher = await track(connect(`/api/conversations/${v.conversationId}/socket`, { cookie: agent.cookie }));
    await agentSays(agent.cookie, v.conversationId, "A chat reply");
    expect(
      (await call(`/api/conversations/${v.conversationId}/complete`, { method: "POST", cookie: agent.cookie })).status,
    ).toBe(200);
    const before = (await room(v.conversationId).snapshot())!.conversation;

    const note = await post(agent.cookie, v.conversationId, { channel: "note", text: "Refund approved by finance" });
    expect(note.status).toBe(201);
    expect(((await note.json()) as { message: Message }).message).toMatchObject({
      kind: "note",
      channel: null,
      direction: "internal",
      mentions: [],
    });
    const event = await room(v.conversationId).post({
      kind: "event",
      event: { type: "assigned", to: { id: agent.id, name: "Ada" } },
      text: "Ada took it",
      author: { kind: "agent", id: agent.id, name: "Ada" },
    });
    expect(event).toMatchObject({ ok: true, message: { kind: "event", seq: 4, event: { type: "assigned" } } });

    const after = (await room(v.conversationId).snapshot())!.conversation;
    const unchanged = (s: ConversationSummary) => [s.status, s.read, s.preview, s.lastMessageAt];
    expect(unchanged(after)).toEqual(unchanged(before));
    expect(after.lastSeq).toBe(4);

    // The next chat reply is the visitor's proof: frames arrive in order, and the note and event never came.
    await agentSays(agent.cookie, v.conversationId, "Back to you");
    await visitor.next("message", (f) => f.message.text === "Back to you");
    expect(visitor.messages().map((m) => m.kind)).toEqual(["customer", "reply", "reply"]);
    await watcher.next("message", (f) => f.message.text === "Back to you");
    expect(watcher.messages().map((m) => [m.seq, m.kind])).toEqual([
      [1, "customer"],
      [2, "reply"],
      [3, "note"],
      [4, "event"],
      [5, "reply"],
    ]);
    const history = await call("/api/widget/messages", {
      headers: { authorization: `Bearer ${v.token}` },
      origin: SHOP,
    });
    expect(((await history.json()) as { messages: Message[] }).messages.map((m) => m.text)).toEqual([
      "Hello",
      "A chat reply",
      "Back to you",
    ]);
    // A resuming visitor socket gets no gap it could miss, and still no note.
    const resumed = await track(
      connect(`/api/widget/socket?token=${encodeURIComponent(v.token)}&after=0`, { origin: SHOP }),
    );
    await resumed.waitFor(() => resumed.messages().length === 3, "the chat backlog");
    expect(resumed.messages().map((m) => m.seq)).toEqual([1, 2, 5]);
  });

  it("S33: an email reply's transcript carries the chat the customer saw, never a note or an event", async () => {
    const agent = await signedInAgent();
    const v = await chatWithAddress();
    await agentSays(agent.cookie, v.conversationId, "Let me check");
    await post(agent.cookie, v.conversationId, { channel: "note", text: "Internal: customer is on the old plan" });
    await room(v.conversationId).post({
      kind: "event",
      event: { type: "snoozed", until: null },
      text: "Snoozed",
      author: { kind: "agent", id: agent.id, name: "Ada" },
    });
    const res = await post(agent.cookie, v.conversationId, { channel: "email", text: "Here is the answer" });
    expect(res.status).toBe(201);
    const { message } = (await res.json()) as { message: Message };
    const thread = (await room(v.conversationId).history({ limit: 20 }))!;
    expect(transcriptFor(thread, message.seq).map((m) => m.text)).toEqual(["Hello", "Let me check"]);
  });

  it("S33: a note on a Messenger conversation is never sent to Messenger", async () => {
    const agent = await signedInAgent();
    const psid = `note-${clientId()}`;
    expect((await webhook(messengerText(psid, `mid.${psid}`, "hi"))).status).toBe(200);
    const id = await messengerConversationId(psid);
    const calls = await graphCallCount();
    const note = await post(agent.cookie, id, { channel: "note", text: "Looks like a returning customer" });
    expect(note.status).toBe(201);
    // The door answers only once a channel send has finished, so a send would already be counted.
    expect(await graphCallCount()).toBe(calls);
    const reply = await post(agent.cookie, id, { channel: "messenger", text: "Hello again" });
    expect(reply.status).toBe(201);
    expect(await graphCallCount()).toBe(calls + 1);
  });
});
