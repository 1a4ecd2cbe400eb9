import { describe, expect, it } from "vitest";
import type { AgentNotification } from "../../src/protocol";
import {
  agentSocket,
  call,
  clientId,
  feedSocket,
  freshClient,
  indexRow,
  session,
  signedInAgent,
  visitorSays,
  socketsOfEachTest,
} from "./helpers";

const open = socketsOfEachTest();

async function mine(cookie: string) {
  const body = (await (await call("/api/notifications", { cookie })).json()) as {
    notifications: AgentNotification[];
    unread: number;
  };
  return body;
}

const kinds = async (cookie: string) => (await mine(cookie)).notifications.map((n) => n.kind);

async function newConversation(text = "hello") {
  const v = await session({}, { client: freshClient() });
  await visitorSays(v, text);
  await indexRow(v.conversationId);
  return v;
}

describe("notifications (S39)", () => {
  it("S39: a mention and an assignment notify exactly that agent; read one, read all", async () => {
    const [ada, alex, bo] = [await signedInAgent(), await signedInAgent(), await signedInAgent()];
    const { conversationId: id } = await newConversation();
    await call(`/api/conversations/${id}/messages`, {
      cookie: ada.cookie,
      body: { clientId: clientId(), channel: "note", text: "@Alex look", mentions: [alex.id] },
    });
    await call(`/api/conversations/${id}/assign`, { cookie: ada.cookie, body: { agentId: alex.id } });
    await call(`/api/conversations/${id}/assign`, { cookie: ada.cookie, body: { agentId: ada.id } });
    expect(await kinds(alex.cookie)).toEqual(["assigned", "mentioned"]);
    expect(await kinds(ada.cookie)).toEqual([]);
    expect(await kinds(bo.cookie)).toEqual([]);
    const list = await mine(alex.cookie);
    expect(list.unread).toBe(2);
    expect(list.notifications[1]).toMatchObject({
      conversationId: id,
      seq: 2,
      actor: expect.stringMatching(/^Test agent/),
    });
    expect(
      (await call(`/api/notifications/${list.notifications[0]!.id}/read`, { cookie: alex.cookie, method: "POST" }))
        .status,
    ).toBe(204);
    expect((await mine(alex.cookie)).unread).toBe(1);
    expect(
      (await call(`/api/notifications/${list.notifications[0]!.id}/read`, { cookie: bo.cookie, method: "POST" }))
        .status,
    ).toBe(404);
    await call("/api/notifications/read-all", { cookie: alex.cookie, method: "POST" });
    expect((await mine(alex.cookie)).unread).toBe(0);
  });

  it("S39: a new unassigned conversation notifies the agents available; a customer message its owner, unless they are looking at it", async () => {
    const [ada, alex] = [await signedInAgent(), await signedInAgent()];
    const away = await signedInAgent();
    open.push(await feedSocket(ada.cookie), await feedSocket(alex.cookie));
    const v = await newConversation("first words");
    await expect.poll(() => kinds(ada.cookie)).toEqual(["unassigned_new"]);
    await expect.poll(() => kinds(alex.cookie)).toEqual(["unassigned_new"]);
    expect(await kinds(away.cookie)).toEqual([]);

    await call(`/api/conversations/${v.conversationId}/assign`, { cookie: alex.cookie, body: { agentId: alex.id } });
    await visitorSays(v, "are you there?");
    await expect.poll(() => kinds(alex.cookie)).toEqual(["customer_message", "unassigned_new"]);
    // On screen in Alex's tab: nothing more for what he is reading.
    const watching = await agentSocket(alex.cookie, v.conversationId);
    open.push(watching);
    await visitorSays(v, "hello again");
    await visitorSays(v, "and again");
    await watching.next("message", (f) => f.message.text === "and again");
    watching.close();
    await watching.waitFor(() => watching.closed !== null, "the tab to close");
    // Off screen again: the next one notifies; the two read on screen never did (seq 4 and 5).
    const last = (await visitorSays(v, "last one")).body.message.seq;
    const seqs = async () =>
      (await mine(alex.cookie)).notifications.filter((n) => n.kind === "customer_message").map((n) => n.seq);
    await expect.poll(seqs).toContain(last);
    expect(await seqs()).toEqual([last, 3]);
    expect(await kinds(ada.cookie)).toEqual(["unassigned_new"]);
  });

  it("S39: preferences are honoured: messages in unassigned conversations only for who asked; an event kind turned off", async () => {
    const [ada, alex] = [await signedInAgent(), await signedInAgent()];
    open.push(await feedSocket(ada.cookie), await feedSocket(alex.cookie));
    const prefs = (await (await call("/api/notifications/preferences", { cookie: ada.cookie })).json()) as Record<
      string,
      boolean
    >;
    expect(prefs.unassigned_message).toBe(false);
    await call("/api/notifications/preferences", {
      method: "PUT",
      cookie: ada.cookie,
      body: { ...prefs, unassigned_message: true, unassigned_new: false },
    });
    const v = await newConversation("new here");
    await expect.poll(() => kinds(alex.cookie)).toEqual(["unassigned_new"]);
    await visitorSays(v, "anyone?");
    await expect.poll(() => kinds(ada.cookie)).toEqual(["unassigned_message"]);
    expect(await kinds(alex.cookie)).toEqual(["unassigned_new"]);
    expect(
      (await call("/api/notifications/preferences", { method: "PUT", cookie: ada.cookie, body: { mentioned: true } }))
        .status,
    ).toBe(400);
  });
});
