import { env } from "cloudflare:workers";
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { migrate, MIGRATIONS } from "../../src/conversation/sqlite-schema";
import { readState } from "../../src/conversation/storage";
import { afterEach, describe, expect, it } from "vitest";
import { writeIndex } from "../../src/inbox/conversation-index";
import { advanceClock, resetClock } from "../../src/lib/clock";
import type { ConversationSummary, Message } from "../../src/protocol";
import {
  agentSays,
  call,
  clientId,
  errorOf,
  indexRow,
  room,
  signedInAgent,
  startVisitor,
  visitorSays,
} from "./helpers";

afterEach(() => resetClock());

async function list(cookie: string, query = "") {
  const res = await call(`/api/conversations${query}`, { cookie });
  expect(res.status).toBe(200);
  return (await res.json()) as { conversations: ConversationSummary[]; nextCursor: string | null };
}

async function detail(cookie: string, id: string, query = "") {
  const res = await call(`/api/conversations/${id}${query}`, { cookie });
  expect(res.status).toBe(200);
  return (await res.json()) as { conversation: ConversationSummary; visitorOnline: boolean; messages: Message[] };
}

describe("visitor sessions", () => {
  it("S14: a device keeps its conversation; an altered or made-up device id gets none", async () => {
    const first = await startVisitor();
    expect(first.deviceId).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{22}$/);
    const again = await startVisitor(first.deviceId);
    expect(again.conversationId).toBe(first.conversationId);
    const other = await startVisitor();
    expect(other.conversationId).not.toBe(first.conversationId);

    const [random, mac] = first.deviceId.split(".");
    const flipped = `${random!.slice(0, -1)}${random!.endsWith("A") ? "B" : "A"}.${mac}`;
    for (const deviceId of [flipped, "aaaaaaaaaaaaaaaaaaaaaa.aaaaaaaaaaaaaaaaaaaaaa", "1", first.conversationId]) {
      const res = await call("/api/widget/session", { body: { deviceId }, origin: "https://shop.example" });
      expect(res.status).toBe(400);
      expect((await errorOf(res)).code).toBe("unknown_device");
    }
  });

  it("S14: reopening on the same device loads the chat history", async () => {
    const v = await startVisitor();
    await visitorSays(v, "Hello, is anyone there?");
    const resumed = await startVisitor(v.deviceId);
    const res = await call("/api/widget/messages", {
      headers: { authorization: `Bearer ${resumed.token}` },
      origin: "https://shop.example",
    });
    const { messages } = (await res.json()) as { messages: Message[] };
    expect(messages.map((m) => m.text)).toEqual(["Hello, is anyone there?"]);
  });

  it("S9: a visitor token reaches only its own conversation", async () => {
    const mine = await startVisitor();
    const theirs = await startVisitor();
    await visitorSays(theirs, "their secret");
    await visitorSays(mine, "my message");
    const res = await call("/api/widget/messages", {
      headers: { authorization: `Bearer ${mine.token}` },
      origin: "https://shop.example",
    });
    const { messages } = (await res.json()) as { messages: Message[] };
    expect(messages.map((m) => [m.conversationId, m.text])).toEqual([[mine.conversationId, "my message"]]);
    expect((await room(theirs.conversationId).history({ limit: 10 }))!.map((m) => m.text)).toEqual(["their secret"]);
  });

  it("S28: a missing, forged or expired visitor token is refused and stores nothing", async () => {
    const v = await startVisitor();
    const forged = v.token.slice(0, -4) + (v.token.endsWith("AAAA") ? "BBBB" : "AAAA");
    const cases: [string | null, string][] = [
      [null, "visitor_token_required"],
      [forged, "visitor_token_invalid"],
      ["not.a.jwt", "visitor_token_invalid"],
    ];
    for (const [token, code] of cases) {
      const res = await call("/api/widget/messages", {
        body: { clientId: clientId(), text: "sneaky" },
        headers: token ? { authorization: `Bearer ${token}` } : {},
        origin: "https://shop.example",
      });
      expect(res.status).toBe(401);
      expect((await errorOf(res)).code).toBe(code);
    }
    advanceClock(2 * 60 * 60 * 1000 + 1000);
    const expired = await visitorSays(v, "too late");
    expect(expired.res.status).toBe(401);
    expect((expired.body as unknown as { error: { code: string } }).error.code).toBe("visitor_token_expired");
    expect(await room(v.conversationId).history({ limit: 10 })).toEqual([]);
  });
});

describe("the agent API", () => {
  it("S1: every agent sees every conversation in one list, newest activity first", async () => {
    const a = await signedInAgent("agent");
    const b = await signedInAgent("agent");
    const first = await startVisitor();
    const second = await startVisitor();
    await visitorSays(first, "first");
    await indexRow(first.conversationId);
    advanceClock(1000);
    await visitorSays(second, "second");
    await indexRow(second.conversationId);
    for (const agent of [a, b]) {
      const ids = (await list(agent.cookie)).conversations.map((c) => c.id);
      expect(ids.indexOf(second.conversationId)).toBeLessThan(ids.indexOf(first.conversationId));
      expect(ids.indexOf(first.conversationId)).toBeGreaterThanOrEqual(0);
    }
  });

  it("S1: the list pages by keyset and filters by status, channel and unread", async () => {
    const agent = await signedInAgent();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const v = await startVisitor();
      await visitorSays(v, `hello ${i}`);
      await indexRow(v.conversationId);
      ids.unshift(v.conversationId);
      advanceClock(1000);
    }
    const seen: string[] = [];
    let cursor: string | null = "";
    while (cursor !== null) {
      const page = await list(agent.cookie, `?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.conversations.length).toBeLessThanOrEqual(2);
      seen.push(...page.conversations.map((c) => c.id));
      cursor = page.nextCursor;
    }
    expect(seen.filter((id) => ids.includes(id))).toEqual(ids);
    expect(new Set(seen).size).toBe(seen.length);

    await call(`/api/conversations/${ids[0]}/complete`, { method: "POST", cookie: agent.cookie });
    await call(`/api/conversations/${ids[1]}/open`, { method: "POST", cookie: agent.cookie });
    await indexRow(ids[0]!, 2);
    await indexRow(ids[1]!, 2);
    const complete = (await list(agent.cookie, "?status=complete")).conversations.map((c) => c.id);
    expect(complete).toContain(ids[0]);
    expect(complete).not.toContain(ids[1]);
    const unread = (await list(agent.cookie, "?unread=true&status=open")).conversations.map((c) => c.id);
    expect(unread).not.toContain(ids[1]);
    expect(unread).toContain(ids[2]);
    expect((await list(agent.cookie, "?channel=email")).conversations.map((c) => c.id)).not.toContain(ids[2]);

    const bad = await call("/api/conversations?status=done&limit=1000&cursor=xyz", { cookie: agent.cookie });
    expect(bad.status).toBe(400);
    expect(Object.keys((await errorOf(bad)).fields!).sort()).toEqual(["cursor", "limit", "status"]);
  });

  it("S4: listing does not mark a conversation read; opening it does, for everyone; a new inbound message makes it unread", async () => {
    const a = await signedInAgent();
    const b = await signedInAgent();
    const v = await startVisitor();
    await visitorSays(v, "hi");
    await list(a.cookie);
    await detail(a.cookie, v.conversationId);
    expect((await detail(b.cookie, v.conversationId)).conversation.read).toBe(false);

    const opened = await call(`/api/conversations/${v.conversationId}/open`, { method: "POST", cookie: a.cookie });
    expect(((await opened.json()) as { conversation: ConversationSummary }).conversation.read).toBe(true);
    expect((await detail(b.cookie, v.conversationId)).conversation.read).toBe(true);
    expect((await indexRow(v.conversationId, 2)).read).toBe(1);

    await visitorSays(v, "one more thing");
    expect((await detail(b.cookie, v.conversationId)).conversation.read).toBe(false);
  });

  it("S5: complete, then a new inbound message reopens it unread; an agent's reply changes nothing", async () => {
    const agent = await signedInAgent();
    const v = await startVisitor();
    await visitorSays(v, "need help");
    await call(`/api/conversations/${v.conversationId}/open`, { method: "POST", cookie: agent.cookie });
    const done = await call(`/api/conversations/${v.conversationId}/complete`, {
      method: "POST",
      cookie: agent.cookie,
    });
    expect(((await done.json()) as { conversation: ConversationSummary }).conversation.status).toBe("complete");

    await agentSays(agent.cookie, v.conversationId, "Anything else?");
    let state = (await detail(agent.cookie, v.conversationId)).conversation;
    expect([state.status, state.read]).toEqual(["complete", true]);

    await visitorSays(v, "Actually, yes");
    state = (await detail(agent.cookie, v.conversationId)).conversation;
    expect([state.status, state.read]).toEqual(["open", false]);
    const row = await indexRow(v.conversationId, state.version);
    expect([row.status, row.read]).toEqual(["open", 0]);

    await call(`/api/conversations/${v.conversationId}/complete`, { method: "POST", cookie: agent.cookie });
    const reopened = await call(`/api/conversations/${v.conversationId}/reopen`, {
      method: "POST",
      cookie: agent.cookie,
    });
    expect(((await reopened.json()) as { conversation: ConversationSummary }).conversation.status).toBe("open");
  });

  it("S29: the same client id sent twice is stored once and answered with the original", async () => {
    const agent = await signedInAgent();
    const v = await startVisitor();
    const id = clientId();
    const first = await visitorSays(v, "only once", id);
    const retry = await visitorSays(v, "only once", id);
    expect(first.res.status).toBe(201);
    expect(retry.res.status).toBe(200);
    expect(retry.body).toEqual({ message: first.body.message, duplicate: true });

    const replyId = clientId();
    const r1 = await agentSays(agent.cookie, v.conversationId, "reply", replyId);
    const r2 = await agentSays(agent.cookie, v.conversationId, "reply", replyId);
    expect(r2.body.message).toEqual(r1.body.message);
    const { messages } = await detail(agent.cookie, v.conversationId);
    expect(messages.map((m) => [m.seq, m.text])).toEqual([
      [1, "only once"],
      [2, "reply"],
    ]);
  });

  it("S29: messages page by sequence: after a seq, or the latest before one", async () => {
    const agent = await signedInAgent();
    const v = await startVisitor();
    for (let i = 1; i <= 7; i++) await visitorSays(v, `m${i}`);
    const seqs = async (q: string) => (await detail(agent.cookie, v.conversationId, q)).messages.map((m) => m.seq);
    expect(await seqs("?after=4")).toEqual([5, 6, 7]);
    expect(await seqs("?after=2&limit=2")).toEqual([3, 4]);
    expect(await seqs("?before=6&limit=3")).toEqual([3, 4, 5]);
    expect(await seqs("?limit=2")).toEqual([6, 7]);
    expect(
      (await call(`/api/conversations/${v.conversationId}?after=1&before=3`, { cookie: agent.cookie })).status,
    ).toBe(400);
  });

  it("S15: the visitor sees only the chat messages of their own conversation", async () => {
    const agent = await signedInAgent();
    const v = await startVisitor();
    await visitorSays(v, "chat from visitor");
    // A reply written on the email channel elsewhere, as a channel reports it.
    await room(v.conversationId).receive([
      {
        type: "echo",
        channel: "email",
        ourMessageId: null,
        externalId: "elsewhere-1",
        at: Date.now(),
        author: { kind: "agent", id: null, name: "Someone" },
        text: "an email reply",
      },
    ]);
    await agentSays(agent.cookie, v.conversationId, "chat reply");
    const res = await call("/api/widget/messages", {
      headers: { authorization: `Bearer ${v.token}` },
      origin: "https://shop.example",
    });
    const { messages } = (await res.json()) as { messages: Message[] };
    expect(messages.map((m) => m.text)).toEqual(["chat from visitor", "chat reply"]);
    expect((await detail(agent.cookie, v.conversationId)).messages).toHaveLength(3);
  });

  it("S28: bad replies and unknown conversations get clear 4xx answers and store nothing", async () => {
    const agent = await signedInAgent();
    const v = await startVisitor();
    await visitorSays(v, "hi");
    const bad = [
      { clientId: "x", channel: "chat", text: "hi" },
      { clientId: clientId(), channel: "fax", text: "hi" },
      { clientId: clientId(), channel: "chat", text: "   " },
      { clientId: clientId(), channel: "chat", text: "x".repeat(5001) },
    ];
    for (const body of bad) {
      const res = await call(`/api/conversations/${v.conversationId}/messages`, { cookie: agent.cookie, body });
      expect(res.status).toBe(400);
    }
    expect((await call(`/api/conversations/c_${"0".repeat(32)}`, { cookie: agent.cookie })).status).toBe(404);
    expect((await call("/api/conversations/not-an-id", { cookie: agent.cookie })).status).toBe(400);
    expect((await detail(agent.cookie, v.conversationId)).messages).toHaveLength(1);
  });

  it("S9: the conversation API refuses anyone not signed in", async () => {
    const v = await startVisitor();
    await visitorSays(v, "private");
    for (const res of [
      await call("/api/conversations"),
      await call(`/api/conversations/${v.conversationId}`),
      await call(`/api/conversations/${v.conversationId}/messages`, {
        body: { clientId: clientId(), channel: "chat", text: "x" },
      }),
      await call(`/api/conversations/${v.conversationId}/complete`, { method: "POST" }),
    ]) {
      expect(res.status).toBe(401);
    }
  });
});

describe("the conversation object's own storage", () => {
  it("S29: an object created under the first schema upgrades when it wakes, keeping its messages", async () => {
    const v = await startVisitor();
    await visitorSays(v, "written under v1");
    await runInDurableObject(room(v.conversationId), (_instance, state) => {
      const sql = state.storage.sql;
      // Rebuild this object exactly as schema v1 left it: its tables from MIGRATIONS[0] and its data.
      const rows = sql
        .exec("SELECT seq, id, client_id, channel, direction, author_kind, text, created_at FROM messages")
        .toArray();
      const conversation = sql.exec("SELECT id, channel, visitor_key, created_at FROM conversation").one();
      sql.exec("DROP TABLE messages");
      sql.exec("DROP TABLE conversation");
      for (const statement of MIGRATIONS[0]!) sql.exec(statement);
      sql.exec("UPDATE schema_version SET version = 1");
      sql.exec(
        "INSERT INTO conversation (id, channel, visitor_key, created_at) VALUES (?, ?, ?, ?)",
        conversation.id,
        conversation.channel,
        conversation.visitor_key,
        conversation.created_at,
      );
      for (const r of rows) {
        sql.exec(
          "INSERT INTO messages (seq, id, client_id, channel, direction, author_kind, text, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
          r.seq,
          r.id,
          r.client_id,
          r.channel,
          r.direction,
          r.author_kind,
          r.text,
          r.created_at,
        );
      }

      migrate(sql);
      expect(sql.exec<{ version: number }>("SELECT version FROM schema_version").one().version).toBe(MIGRATIONS.length);
      expect(sql.exec("SELECT text, external_id FROM messages").toArray()).toEqual([
        { text: "written under v1", external_id: null },
      ]);
      migrate(sql); // and again: nothing changes
      expect(sql.exec("SELECT count(*) AS n FROM messages").one().n).toBe(1);
    });
    await evictDurableObject(room(v.conversationId));
    expect((await room(v.conversationId).history({ limit: 5 }))!.map((m) => m.text)).toEqual(["written under v1"]);
  });
});

describe("the D1 index", () => {
  it("S29: catches up after a D1 write failed, through the object's retry alarm", async () => {
    const v = await startVisitor();
    await visitorSays(v, "before the outage");
    await indexRow(v.conversationId, 1);

    // A real failure: the table the index writes to is briefly gone.
    await env.DB.prepare("ALTER TABLE conversations RENAME TO conversations_away").run();
    await visitorSays(v, "during the outage");
    await expect
      .poll(() =>
        runInDurableObject(room(v.conversationId), (_o, state) => readState(state.storage.sql)?.indexAttempts ?? 0),
      )
      .toBeGreaterThan(0);
    await env.DB.prepare("ALTER TABLE conversations_away RENAME TO conversations").run();
    expect(
      (await env.DB.prepare("SELECT version FROM conversations WHERE id = ?").bind(v.conversationId).first())!.version,
    ).toBe(1);

    advanceClock(2000);
    expect(await runDurableObjectAlarm(room(v.conversationId))).toBe(true);
    const row = await indexRow(v.conversationId, 2, 1);
    expect([row.version, row.last_seq, row.last_message_preview]).toEqual([2, 2, "during the outage"]);

    // A late retry of an older version cannot overwrite the newer row.
    const snap = (await room(v.conversationId).snapshot())!;
    await writeIndex(env.DB, [
      {
        summary: { ...snap.conversation, version: 1, preview: "stale" },
        keys: { visitorKey: null, messengerPsid: null, assignedAt: null },
      },
    ]);
    expect((await indexRow(v.conversationId, 2, 1)).last_message_preview).toBe("during the outage");
  });
});
