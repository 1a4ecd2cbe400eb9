import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { advanceClock, now } from "../../src/lib/clock";
import type { ConversationSummary } from "../../src/protocol";
import {
  call,
  clientId,
  errorOf,
  feedSocket,
  indexRow,
  room,
  signedInAgent,
  startVisitor,
  visitorSays,
  socketsOfEachTest,
} from "./helpers";

const open = socketsOfEachTest();

async function newConversation(text = "hello") {
  const v = await startVisitor();
  await visitorSays(v, text);
  await indexRow(v.conversationId);
  return v;
}

async function synced(id: string) {
  await indexRow(id, (await room(id).snapshot())!.conversation.version);
}

async function list(cookie: string, query: string) {
  const res = await call(`/api/conversations?${query}`, { cookie });
  expect(res.status).toBe(200);
  return ((await res.json()) as { conversations: ConversationSummary[] }).conversations.map((c) => c.id);
}

async function counts(cookie: string) {
  return (await (await call("/api/inbox/counts", { cookie })).json()) as {
    mentions: number;
    snoozed: number;
    labels: Record<string, number>;
    all: number;
  };
}

describe("@mentions (S34)", () => {
  it("S34: a note's mention reaches exactly the mentioned agent, live and in Mentions, until they open the conversation", async () => {
    const [ada, alex, bo] = [await signedInAgent(), await signedInAgent(), await signedInAgent()];
    const { conversationId: id } = await newConversation();
    const [adaFeed, alexFeed, boFeed] = [
      await feedSocket(ada.cookie),
      await feedSocket(alex.cookie),
      await feedSocket(bo.cookie),
    ];
    open.push(adaFeed, alexFeed, boFeed);
    const res = await call(`/api/conversations/${id}/messages`, {
      cookie: ada.cookie,
      body: { clientId: clientId(), channel: "note", text: "@Alex can you check?", mentions: [alex.id] },
    });
    expect(res.status).toBe(201);
    const notice = await alexFeed.next("mention");
    expect(notice.mention).toMatchObject({ conversationId: id, by: { id: ada.id } });
    // Ada's and Bo's feeds hear the conversation change after the note; neither got a notice before it.
    for (const f of [adaFeed, boFeed]) {
      await f.next("conversation", (x) => x.conversation.id === id && x.conversation.lastSeq === 2);
      expect(f.frames.some((x) => x.type === "mention")).toBe(false);
    }
    expect(await list(alex.cookie, "mentioned=me")).toEqual([id]);
    expect(await list(bo.cookie, "mentioned=me")).toEqual([]);
    expect((await counts(alex.cookie)).mentions).toBe(1);
    await call(`/api/conversations/${id}/open`, { method: "POST", cookie: alex.cookie });
    expect(await list(alex.cookie, "mentioned=me")).toEqual([]);
    expect((await counts(alex.cookie)).mentions).toBe(0);
  });

  it("S34: mentions name active agents, in notes only", async () => {
    const ada = await signedInAgent();
    const { conversationId: id } = await newConversation();
    const unknown = await call(`/api/conversations/${id}/messages`, {
      cookie: ada.cookie,
      body: { clientId: clientId(), channel: "note", text: "hi", mentions: [crypto.randomUUID()] },
    });
    expect([unknown.status, (await errorOf(unknown)).code]).toEqual([400, "unknown_agents"]);
    const onReply = await call(`/api/conversations/${id}/messages`, {
      cookie: ada.cookie,
      body: { clientId: clientId(), channel: "chat", text: "hi", mentions: [ada.id] },
    });
    expect(onReply.status).toBe(400);
    expect((await room(id).history({ limit: 10 }))!).toHaveLength(1);
  });
});

describe("labels (S35)", () => {
  it("S35: admins define labels; any agent applies them; the list filters and counts by label; unknown or archived ids are refused", async () => {
    const admin = await signedInAgent("admin");
    const agent = await signedInAgent();
    expect((await call("/api/labels", { cookie: agent.cookie, body: { name: "VIP", color: "#aa0000" } })).status).toBe(
      403,
    );
    const make = async (name: string) =>
      (
        (await (await call("/api/labels", { cookie: admin.cookie, body: { name, color: "#225588" } })).json()) as {
          label: { id: string };
        }
      ).label.id;
    const [refund, vip] = [await make(`Refund ${clientId()}`), await make(`VIP ${clientId()}`)];
    const { conversationId: id } = await newConversation();
    const set = await call(`/api/conversations/${id}/labels`, {
      method: "PUT",
      cookie: agent.cookie,
      body: { labelIds: [refund, vip] },
    });
    expect(set.status).toBe(200);
    expect(((await set.json()) as { event: { event: { type: string; added: string[] } } }).event.event).toMatchObject({
      type: "labelled",
      added: [refund, vip].sort(),
    });
    await synced(id);
    expect(await list(agent.cookie, `label=${refund}`)).toEqual([id]);
    expect((await counts(agent.cookie)).labels[vip]).toBe(1);

    await call(`/api/conversations/${id}/labels`, {
      method: "PUT",
      cookie: agent.cookie,
      body: { labelIds: [refund] },
    });
    await synced(id);
    expect(await list(agent.cookie, `label=${vip}`)).toEqual([]);
    expect((await counts(agent.cookie)).labels[vip]).toBe(0);

    await call(`/api/labels/${vip}`, { method: "PATCH", cookie: admin.cookie, body: { archived: true } });
    for (const labelIds of [[vip], ["lb_00000000000000000000000000000000"]]) {
      const refused = await call(`/api/conversations/${id}/labels`, {
        method: "PUT",
        cookie: agent.cookie,
        body: { labelIds },
      });
      expect([refused.status, (await errorOf(refused)).code]).toEqual([400, "unknown_labels"]);
    }
  });
});

describe("snooze and mark unread (S36)", () => {
  it("S36: a snoozed conversation leaves Open for Snoozed, and comes back unread on top at its time", async () => {
    const agent = await signedInAgent();
    const { conversationId: id } = await newConversation();
    await call(`/api/conversations/${id}/open`, { method: "POST", cookie: agent.cookie });
    const until = now() + 60 * 60_000;
    expect((await call(`/api/conversations/${id}/snooze`, { cookie: agent.cookie, body: { until } })).status).toBe(200);
    await synced(id);
    expect(await list(agent.cookie, "status=open&limit=100")).not.toContain(id);
    expect(await list(agent.cookie, "status=snoozed&limit=100")).toContain(id);
    expect((await counts(agent.cookie)).snoozed).toBeGreaterThanOrEqual(1);

    advanceClock(61 * 60_000);
    await runDurableObjectAlarm(room(id));
    const woke = (await room(id).snapshot())!.conversation;
    expect(woke).toMatchObject({ snoozedUntil: null, read: false, status: "open" });
    expect(woke.lastMessageAt).toBeGreaterThanOrEqual(until);
  });

  it("S36: the customer writing ends a snooze at once; bad times and completed conversations are refused; mark unread", async () => {
    const agent = await signedInAgent();
    const v = await newConversation();
    const id = v.conversationId;
    for (const until of [now() - 1000, now() + 400 * 24 * 60 * 60_000]) {
      expect((await call(`/api/conversations/${id}/snooze`, { cookie: agent.cookie, body: { until } })).status).toBe(
        400,
      );
    }
    await call(`/api/conversations/${id}/snooze`, { cookie: agent.cookie, body: { until: now() + 60_000 } });
    await visitorSays(v, "I'm back");
    expect((await room(id).snapshot())!.conversation.snoozedUntil).toBeNull();

    await call(`/api/conversations/${id}/open`, { method: "POST", cookie: agent.cookie });
    const unread = await call(`/api/conversations/${id}/unread`, { method: "POST", cookie: agent.cookie });
    expect(((await unread.json()) as { conversation: ConversationSummary }).conversation.read).toBe(false);

    await call(`/api/conversations/${id}/complete`, { method: "POST", cookie: agent.cookie });
    const refused = await call(`/api/conversations/${id}/snooze`, {
      cookie: agent.cookie,
      body: { until: now() + 60_000 },
    });
    expect([refused.status, (await errorOf(refused)).code]).toEqual([409, "conversation_complete"]);
  });

  it("S36: the counts equal a COUNT(*) of the index with snoozed and labelled conversations", async () => {
    const agent = await signedInAgent();
    const ids = await Promise.all(Array.from({ length: 6 }, () => newConversation().then((v) => v.conversationId)));
    await Promise.all(
      ids
        .slice(0, 3)
        .map((id) =>
          call(`/api/conversations/${id}/snooze`, { cookie: agent.cookie, body: { until: now() + 60_000 } }),
        ),
    );
    for (const id of ids) await synced(id);
    const scan = async (where: string) =>
      (await env.DB.prepare(`SELECT count(*) AS n FROM conversations WHERE ${where}`).first<{ n: number }>())!.n;
    const c = await counts(agent.cookie);
    expect(c.snoozed).toBe(await scan("status = 'open' AND snoozed_until IS NOT NULL"));
    expect(c.all).toBe(await scan("status = 'open' AND snoozed_until IS NULL"));
  });
});
