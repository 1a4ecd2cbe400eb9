import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ConversationSummary, Message } from "../../src/protocol";
import { call, errorOf, feedSocket, indexRow, room, signedInAgent, startVisitor, visitorSays } from "./helpers";

async function assign(cookie: string, id: string, agentId: string | null) {
  return call(`/api/conversations/${id}/assign`, { cookie, body: { agentId } });
}

async function list(cookie: string, query: string) {
  const res = await call(`/api/conversations?${query}`, { cookie });
  expect(res.status).toBe(200);
  return ((await res.json()) as { conversations: ConversationSummary[] }).conversations;
}

async function counts(cookie: string) {
  const all = (await (await call("/api/inbox/counts", { cookie })).json()) as {
    mine: number;
    unassigned: number;
    all: number;
    unread: number;
  };
  return { mine: all.mine, unassigned: all.unassigned, all: all.all, unread: all.unread };
}

/** What the counters say must equal what COUNT(*) over the index says. */
async function countsByScan(agentId: string) {
  const q = (where: string, ...binds: unknown[]) =>
    env.DB.prepare(`SELECT count(*) AS n FROM conversations WHERE status = 'open' AND ${where}`)
      .bind(...binds)
      .first<{ n: number }>()
      .then((r) => r!.n);
  const live = (where: string, ...binds: unknown[]) => q(`snoozed_until IS NULL AND ${where}`, ...binds);
  return {
    mine: await live("assignee_id = ?", agentId),
    unassigned: await live("assignee_id IS NULL"),
    all: await live("1"),
    unread: await live("read = 0"),
  };
}

async function newConversation(text = "hello") {
  const v = await startVisitor();
  await visitorSays(v, text);
  await indexRow(v.conversationId);
  return v.conversationId;
}

describe("ownership (S31)", () => {
  it("S31: an agent takes a conversation, assigns it to a colleague, unassigns it; live for everyone, an agent-only event each time", async () => {
    const [ada, alex] = [await signedInAgent(), await signedInAgent()];
    const id = await newConversation();
    const feed = await feedSocket(alex.cookie);
    expect((await assign(ada.cookie, id, ada.id)).status).toBe(200);
    await feed.next("conversation", (f) => f.conversation.id === id && f.conversation.assignee?.id === ada.id);
    const res = await assign(ada.cookie, id, alex.id);
    const body = (await res.json()) as { conversation: ConversationSummary; event: Message };
    expect(body.conversation.assignee).toEqual({ id: alex.id, name: expect.stringMatching(/^Test agent/) });
    expect(body.event).toMatchObject({ kind: "event", event: { type: "assigned", to: { id: alex.id } } });
    expect((await assign(alex.cookie, id, null)).status).toBe(200);
    // The same assignee again changes nothing and records nothing.
    expect(((await (await assign(alex.cookie, id, null)).json()) as { event: Message | null }).event).toBeNull();
    const events = (await room(id).history({ limit: 20 }))!.filter((m) => m.kind === "event");
    expect(events.map((e) => e.text)).toEqual([
      expect.stringMatching(/took this$/),
      expect.stringMatching(/assigned this to Test agent/),
      expect.stringMatching(/unassigned Test agent/),
    ]);
    feed.close();
  });

  it("S31: assigning to an unknown or deactivated agent is refused; a deactivated agent's open conversations are unassigned", async () => {
    const admin = await signedInAgent("admin");
    const alex = await signedInAgent();
    const id = await newConversation();
    const unknown = await assign(admin.cookie, id, crypto.randomUUID());
    expect([unknown.status, (await errorOf(unknown)).code]).toEqual([404, "agent_not_found"]);
    expect((await assign(admin.cookie, id, alex.id)).status).toBe(200);
    expect(
      (await call(`/api/agents/${alex.id}`, { method: "PATCH", cookie: admin.cookie, body: { active: false } })).status,
    ).toBe(200);
    expect((await room(id).snapshot())!.conversation.assignee).toBeNull();
    const refused = await assign(admin.cookie, id, alex.id);
    expect([refused.status, (await errorOf(refused)).code]).toEqual([409, "agent_inactive"]);
    expect((await assign(admin.cookie, "c_nope", null)).status).toBe(400);
  });

  it("S31: Mine and Unassigned list what they say, keyset-paged; an assignment is not news (it does not move or unread)", async () => {
    const ada = await signedInAgent();
    const ids = [await newConversation("one"), await newConversation("two"), await newConversation("three")];
    for (const id of ids) await call(`/api/conversations/${id}/open`, { method: "POST", cookie: ada.cookie });
    const before = (await room(ids[0]!).snapshot())!.conversation;
    for (const id of ids) await assign(ada.cookie, id, ada.id);
    const after = (await room(ids[0]!).snapshot())!.conversation;
    expect([after.read, after.lastMessageAt, after.preview]).toEqual([
      before.read,
      before.lastMessageAt,
      before.preview,
    ]);
    for (const id of ids) await indexRow(id, (await room(id).snapshot())!.conversation.version);

    const first = await call("/api/conversations?assignee=me&limit=2", { cookie: ada.cookie });
    const page = (await first.json()) as { conversations: ConversationSummary[]; nextCursor: string };
    const rest = await list(ada.cookie, `assignee=me&limit=2&cursor=${encodeURIComponent(page.nextCursor)}`);
    expect([...page.conversations, ...rest].map((c) => c.id).sort()).toEqual([...ids].sort());
    expect((await list(ada.cookie, "assignee=none&limit=100")).map((c) => c.id)).not.toContain(ids[0]);
    expect((await list(ada.cookie, `assignee=${ada.id}&limit=100`)).map((c) => c.id).sort()).toEqual([...ids].sort());
    expect((await call("/api/conversations?assignee=someone", { cookie: ada.cookie })).status).toBe(400);
  });

  it("S31: the counts (Mine, Unassigned, All, unread) equal a COUNT(*) of the index after concurrent changes", async () => {
    const [ada, alex] = [await signedInAgent(), await signedInAgent()];
    const ids = await Promise.all(Array.from({ length: 12 }, (_, i) => newConversation(`c${i}`)));
    await Promise.all(
      ids.map((id, i) =>
        i % 3 === 0
          ? assign(ada.cookie, id, ada.id)
          : i % 3 === 1
            ? assign(alex.cookie, id, alex.id).then(() =>
                call(`/api/conversations/${id}/complete`, { method: "POST", cookie: alex.cookie }),
              )
            : call(`/api/conversations/${id}/open`, { method: "POST", cookie: ada.cookie }),
      ),
    );
    for (const id of ids) await indexRow(id, (await room(id).snapshot())!.conversation.version);
    expect(await counts(ada.cookie)).toEqual(await countsByScan(ada.id));
    expect(await counts(alex.cookie)).toEqual(await countsByScan(alex.id));
    expect((await counts(ada.cookie)).mine).toBe(4);
  });
});
