import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { advanceClock, now } from "../../src/lib/clock";
import { writeSearch, type SearchItem } from "../../src/search/documents";
import type { SearchHit } from "../../src/search/search";
import { corpusBytes, sharedCorpusPresent } from "./corpus";
import { deliver, mail } from "./email-helpers";
import { call, clientId, room, signedInAgent, startVisitor, visitorSays, socketsOfEachTest } from "./helpers";
import { messengerText, webhook } from "./messenger-helpers";

socketsOfEachTest(); // resets the clock after each test

type Page = { hits: SearchHit[]; nextCursor: string | null };

async function searchFor(cookie: string, q: string, extra = ""): Promise<{ status: number; body: Page }> {
  const res = await call(`/api/search?q=${encodeURIComponent(q)}${extra}`, { cookie });
  return { status: res.status, body: (await res.json()) as Page };
}

/** The hits of a search as "conversation#seq" (seq 0: the conversation's contact or subject). */
async function found(cookie: string, q: string, extra = ""): Promise<string[]> {
  const { status, body } = await searchFor(cookie, q, extra);
  expect(status, JSON.stringify(body)).toBe(200);
  const out = body.hits.map((h) => `${h.conversation.id}#${h.message?.seq ?? 0}`);
  return out;
}

/** Waits until the conversation's object has confirmed everything it holds in the search index. */
async function indexed(conversationId: string) {
  await expect
    .poll(() =>
      runInDurableObject(room(conversationId), (_o, state) => {
        const row = state.storage.sql
          .exec<{ pending: number }>(
            "SELECT (indexed_seq < (SELECT max(seq) FROM messages) OR indexed_version < version) AS pending FROM conversation",
          )
          .one();
        return row.pending;
      }),
    )
    .toBe(0);
}

async function post(cookie: string, id: string, channel: string, text: string) {
  const res = await call(`/api/conversations/${id}/messages`, {
    cookie,
    body: { clientId: clientId(), channel, text },
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { message: { seq: number } }).message.seq;
}

/** A chat conversation with the visitor's messages, indexed. */
async function chat(...texts: string[]) {
  const v = await startVisitor();
  for (const t of texts) await visitorSays(v, t);
  await indexed(v.conversationId);
  return v.conversationId;
}

/** Delivers a mail and returns its conversation, indexed. */
async function email(raw: string | Uint8Array) {
  await deliver(raw, "sender@corpus.example", "support@example.com");
  const row = await env.DB.prepare(
    "SELECT conversation_id FROM email_messages WHERE direction = 'inbound' ORDER BY rowid DESC LIMIT 1",
  ).first<{ conversation_id: string }>();
  await indexed(row!.conversation_id);
  return row!.conversation_id;
}

async function entries(): Promise<{ messages: number; words: number; twice: number }> {
  const [m, f, d] = await env.SEARCH.batch<{ n: number }>([
    env.SEARCH.prepare("SELECT count(*) AS n FROM search_messages"),
    env.SEARCH.prepare("SELECT count(*) AS n FROM search_fts"),
    env.SEARCH.prepare(
      "SELECT count(*) AS n FROM (SELECT 1 FROM search_messages GROUP BY conversation_id, seq HAVING count(*) > 1)",
    ),
  ]);
  return { messages: m!.results[0]!.n, words: f!.results[0]!.n, twice: d!.results[0]!.n };
}

describe("search (S41)", () => {
  it("S41: every channel's messages are found (chat, email, Messenger, replies, notes), with a marked snippet; events are not", async () => {
    const agent = await signedInAgent();
    const chatId = await chat("My kettle came but the cord is missing");
    const replySeq = await post(agent.cookie, chatId, "chat", "Sorry! A replacement cord ships tomorrow");
    const noteSeq = await post(agent.cookie, chatId, "note", "Warehouse forgot the cord again");
    // An event: its text names the assignee, and events are not searched.
    const other = await signedInAgent();
    await call(`/api/conversations/${chatId}/assign`, { cookie: agent.cookie, body: { agentId: other.id } });
    await indexed(chatId);
    const emailId = await email(
      mail({ from: "Ana <ana@mail.example>", subject: "Invoice 4411 question" }, "Where is my invoice?"),
    );
    const psid = `search-${Date.now()}`;
    expect((await webhook(messengerText(psid, `mid.${psid}`, "Do you ship to Lanzarote?"))).status).toBe(200);
    await expect.poll(() => found(agent.cookie, "lanzarote")).toHaveLength(1);

    expect(await found(agent.cookie, "cord missing")).toEqual([`${chatId}#1`]);
    expect((await found(agent.cookie, "cord")).sort()).toEqual(
      [`${chatId}#1`, `${chatId}#${replySeq}`, `${chatId}#${noteSeq}`].sort(),
    );
    // Newest first by default.
    expect(await found(agent.cookie, "cord")).toEqual([`${chatId}#${noteSeq}`, `${chatId}#${replySeq}`, `${chatId}#1`]);
    // The email by its text and by its subject; the conversation itself by the contact's address.
    expect(await found(agent.cookie, "invoice")).toContain(`${emailId}#1`);
    expect(await found(agent.cookie, "4411")).toContain(`${emailId}#1`);
    expect(await found(agent.cookie, "ana@mail.example")).toContain(`${emailId}#0`);
    const [hit] = (await searchFor(agent.cookie, "replacement")).body.hits;
    expect(hit!.message).toMatchObject({ seq: replySeq, kind: "reply", channel: "chat" });
    expect(hit!.message!.author.name).toBe(
      (await env.DB.prepare("SELECT name FROM agents WHERE id = ?").bind(agent.id).first<{ name: string }>())!.name,
    );
    expect(hit!.conversation.id).toBe(chatId);
    expect(hit!.snippet.filter((p) => p.match).map((p) => p.text)).toEqual(["replacement"]);
    expect(hit!.snippet.map((p) => p.text).join("")).toBe("Sorry! A replacement cord ships tomorrow");
    const note = (await searchFor(agent.cookie, "warehouse")).body.hits[0]!;
    expect(note.message).toMatchObject({ kind: "note", channel: null });
    // The assignment event's text ("… assigned …") is in the timeline, not in the index.
    const events = ((await room(chatId).history({ limit: 50 })) ?? []).filter((m) => m.kind === "event");
    expect(events).toHaveLength(1);
    expect(events[0]!.text).toContain("assigned");
    expect((await searchFor(agent.cookie, "assigned")).body.hits).toEqual([]);
  });

  it("S41: accents and case do not matter; Korean and Cyrillic mail is found by its words, CJK by 2-character words", async () => {
    const agent = await signedInAgent();
    const id = await chat("Hola, ¿hacéis envíos a CANARÍAS?", "Заказ не доставлен");
    expect(await found(agent.cookie, "canarias envios")).toEqual([`${id}#1`]);
    expect(await found(agent.cookie, "Canarías")).toEqual([`${id}#1`]);
    expect(await found(agent.cookie, "заказ")).toEqual([`${id}#2`]);
    expect(await found(agent.cookie, "ДОСТАВЛЕН")).toEqual([`${id}#2`]);
    const korean = await email(corpusBytes("email/mikelmail_ks_c_5601-1987.eml")); // "스티해"
    expect(await found(agent.cookie, "티해")).toEqual([`${korean}#1`]);
    expect(await found(agent.cookie, "스티")).toEqual([`${korean}#1`]);
    const cyrillic = await email(corpusBytes("email/mimekit_tnef_winmail_koi8r.eml")); // "шостий"
    expect(await found(agent.cookie, "шостий")).toEqual([`${cyrillic}#1`]);
    expect(await found(agent.cookie, "ШОС*")).toEqual([`${cyrillic}#1`]);
    // A CJK snippet reads as written (no separators shown), the match marked.
    const hit = (await searchFor(agent.cookie, "티해")).body.hits[0]!;
    expect(hit.snippet.map((p) => p.text).join("")).toBe("test\n스티해"); // the subject, then the text
    expect(hit.snippet.filter((p) => p.match)).toEqual([{ text: "티해", match: true }]);
  });

  it.skipIf(!sharedCorpusPresent())(
    "S41: the Big5 and Shift_JIS mail of ../shared/corpus are found by 2-character words",
    async () => {
      const agent = await signedInAgent();
      const big5 = await email(corpusBytes("email/discourse_big5.eml")); // "媽！我上電視了！"
      expect(await found(agent.cookie, "電視")).toEqual([`${big5}#1`]);
      const sjis = await email(corpusBytes("email/zammad_mail093.eml")); // "…無料バージョンを導入いただけます。"
      expect(await found(agent.cookie, "無料")).toEqual([`${sjis}#1`]);
      expect(await found(agent.cookie, "施設")).toEqual([`${sjis}#1`]);
      // Its subject: the message's, and the conversation's (seq 0).
      expect(await found(agent.cookie, "ツール")).toEqual([`${sjis}#0`, `${sjis}#1`]);
    },
  );

  it("S41: every operator of the query language: words, phrases, prefix*, -exclude, from:, in:, is:, assignee:, label:, before:/after:, sort and cursor", async () => {
    const admin = await signedInAgent("admin");
    const me = await signedInAgent();
    const other = await signedInAgent();
    const otherName = (await env.DB.prepare("SELECT name FROM agents WHERE id = ?")
      .bind(other.id)
      .first<{ name: string }>())!.name;
    const a = await chat("parcel damaged in transit", "the parcel box was wet");
    const b = await chat("parcel arrived damaged, wet box");
    const c = await chat("parcel never arrived");
    const noteSeq = await post(me.cookie, a, "note", "parcel claim filed with the courier");
    const labelRes = await call("/api/labels", {
      cookie: admin.cookie,
      body: { name: "Courier claims", color: "#225588" },
    });
    const label = ((await labelRes.json()) as { label: { id: string } }).label.id;
    await call(`/api/conversations/${a}/labels`, { method: "PUT", cookie: me.cookie, body: { labelIds: [label] } });
    await call(`/api/conversations/${a}/assign`, { cookie: me.cookie, body: { agentId: me.id } });
    await call(`/api/conversations/${b}/assign`, { cookie: me.cookie, body: { agentId: other.id } });
    await call(`/api/conversations/${c}/complete`, { cookie: me.cookie, method: "POST" });
    await call(`/api/conversations/${b}/snooze`, { cookie: me.cookie, body: { until: now() + 3_600_000 } });
    for (const id of [a, b, c]) await indexed(id);

    expect(await found(me.cookie, "parcel wet")).toEqual([`${b}#1`, `${a}#2`]);
    expect(await found(me.cookie, '"damaged in transit"')).toEqual([`${a}#1`]);
    expect(await found(me.cookie, '"arrived damaged"')).toEqual([`${b}#1`]);
    expect(await found(me.cookie, "arriv*")).toEqual([`${c}#1`, `${b}#1`]);
    expect(await found(me.cookie, "parcel -wet -damaged")).toEqual([`${a}#${noteSeq}`, `${c}#1`]);
    expect(await found(me.cookie, 'parcel -"box was wet"')).toEqual([`${a}#${noteSeq}`, `${c}#1`, `${b}#1`, `${a}#1`]);
    const meName = (await env.DB.prepare("SELECT name FROM agents WHERE id = ?").bind(me.id).first<{ name: string }>())!
      .name;
    expect(await found(me.cookie, `parcel from:"${meName}"`)).toEqual([`${a}#${noteSeq}`]);
    expect(await found(me.cookie, "parcel in:note")).toEqual([`${a}#${noteSeq}`]);
    expect(await found(me.cookie, "parcel in:chat in:email")).toEqual([`${c}#1`, `${b}#1`, `${a}#2`, `${a}#1`]);
    expect(await found(me.cookie, "parcel in:messenger")).toEqual([]);
    expect(await found(me.cookie, "parcel is:complete")).toEqual([`${c}#1`]);
    expect(await found(me.cookie, "parcel is:snoozed")).toEqual([`${b}#1`]);
    expect(await found(me.cookie, "parcel is:open")).toEqual([`${a}#${noteSeq}`, `${a}#2`, `${a}#1`]);
    expect(await found(me.cookie, "parcel assignee:me")).toEqual([`${a}#${noteSeq}`, `${a}#2`, `${a}#1`]);
    expect(await found(me.cookie, `parcel assignee:"${otherName}"`)).toEqual([`${b}#1`]);
    expect(await found(me.cookie, "parcel assignee:none")).toEqual([`${c}#1`]);
    expect(await found(me.cookie, 'parcel label:"courier claims"')).toEqual([`${a}#${noteSeq}`, `${a}#2`, `${a}#1`]);
    expect(await found(me.cookie, `parcel label:${label}`)).toEqual([`${a}#${noteSeq}`, `${a}#2`, `${a}#1`]);
    const today = new Date(now()).toISOString().slice(0, 10);
    const tomorrow = new Date(now() + 86_400_000).toISOString().slice(0, 10);
    expect(await found(me.cookie, `arrived after:${today}`)).toEqual([`${c}#1`, `${b}#1`]);
    expect(await found(me.cookie, `arrived before:${today}`)).toEqual([]);
    expect(await found(me.cookie, `arrived after:${tomorrow}`)).toEqual([]);
    expect(await found(me.cookie, `arrived before:${tomorrow}`)).toEqual([`${c}#1`, `${b}#1`]);

    // Pages: newest first, two by two, every hit once.
    const all = await found(me.cookie, "parcel");
    expect(all).toHaveLength(5);
    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const { body } = await searchFor(me.cookie, "parcel", `&limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      pages.push(...body.hits.map((h) => `${h.conversation.id}#${h.message?.seq ?? 0}`));
      cursor = body.nextCursor;
    } while (cursor);
    expect(pages).toEqual(all);
    // Relevance: the message where "wet" weighs most comes first; its pages hold every hit once too.
    const relevant = await found(me.cookie, "wet", "&sort=relevance");
    expect(relevant.sort()).toEqual([`${a}#2`, `${b}#1`].sort());
    const first = await found(me.cookie, "parcel", "&sort=relevance&limit=3");
    const { body } = await searchFor(me.cookie, "parcel", "&sort=relevance&limit=3");
    const rest = await found(me.cookie, "parcel", `&sort=relevance&limit=3&cursor=${body.nextCursor}`);
    expect([...first, ...rest].sort()).toEqual([...all].sort());
  });

  it("S41: a malformed query gets 400 saying what is wrong, never a 500", async () => {
    const agent = await signedInAgent();
    const cases: [string, RegExp][] = [
      ['"cord is missing', /never closed/],
      ["in:fax", /in: takes chat, email, messenger or note/],
      ["is:lost", /is: takes open, complete or snoozed/],
      ["cord before:yesterday", /YYYY-MM-DD/],
      ["cord after:2026-02-30", /YYYY-MM-DD/],
      ["cord after:2026-11-02 before:2026-11-01", /earlier day/],
      ["-cord", /at least one word/],
      ["is:open", /at least one word/],
      ["c*", /at least 2 letters/],
      ["cord from:", /needs a value/],
      ["cord -from:ana", /Only words and phrases can be excluded/],
      ['cord "!!!"', /no letters or digits/],
      ["cord label:nosuchlabel", /no label is called "nosuchlabel"/],
      ["cord assignee:nobody-here", /no agent is called/],
      ["x".repeat(501), /at most 500/],
      ["", /Type something/],
    ];
    for (const [q, message] of cases) {
      const res = await call(`/api/search?q=${encodeURIComponent(q)}`, { cookie: agent.cookie });
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(res.status, q).toBe(400);
      expect(body.error.message, q).toMatch(message);
    }
    // FTS5's own syntax is only ever searched for, never obeyed.
    for (const q of ["cord OR NEAR(a b)", "text:cord", "cord AND", '"a" "b*', "{text} : cord", "^cord"]) {
      expect((await call(`/api/search?q=${encodeURIComponent(q)}`, { cookie: agent.cookie })).status, q).not.toBe(500);
    }
    const bad = await call("/api/search?q=cord&sort=newest&cursor=o5", { cookie: agent.cookie });
    expect(bad.status).toBe(400);
    expect((await call("/api/search?q=cord")).status).toBe(401);
  });

  it("S41: the backfill indexes old conversations exactly once, also when interrupted and re-run; only admins run it", async () => {
    const admin = await signedInAgent("admin");
    const agent = await signedInAgent();
    const ids = [
      await chat("backfill alpha one", "backfill alpha two"),
      await chat("backfill beta"),
      await chat("backfill gamma"),
    ];
    const note = await post(agent.cookie, ids[1]!, "note", "backfill note");
    await indexed(ids[1]!);
    // As before search existed: nothing in the index, and the objects' watermarks at 0.
    await env.SEARCH.batch(
      ["search_fts", "search_messages", "search_conversations", "search_state"].map((t) =>
        env.SEARCH.prepare(`DELETE FROM ${t}`),
      ),
    );
    for (const id of ids)
      await runInDurableObject(room(id), (_o, state) =>
        state.storage.sql.exec("UPDATE conversation SET indexed_seq = 0"),
      );
    expect(await found(agent.cookie, "backfill")).toEqual([]);

    const step = async (body: Record<string, unknown>, cookie = admin.cookie) => {
      const res = await call("/api/search/backfill", { cookie, body });
      return { status: res.status, body: (await res.json()) as { indexed: number; failed: string[]; done: boolean } };
    };
    expect((await step({}, agent.cookie)).status).toBe(403);
    // Interrupted after one conversation…
    const first = await step({ limit: 1 });
    expect(first.body).toMatchObject({ indexed: 1, failed: [], done: false });
    // …resumed until done…
    let steps = 0;
    for (let s = first.body; !s.done; steps++) s = (await step({ limit: 1 })).body;
    expect(steps).toBeGreaterThan(0);
    // …and run again from the start, twice over, one of them sending everything again.
    expect((await step({ restart: true, limit: 200 })).body).toMatchObject({ failed: [], done: true });
    expect((await step({ restart: true, fromStart: true, limit: 200 })).body).toMatchObject({ failed: [], done: true });

    const hits = await found(agent.cookie, "backfill");
    expect(hits.sort()).toEqual(
      [`${ids[0]}#1`, `${ids[0]}#2`, `${ids[1]}#1`, `${ids[1]}#${note}`, `${ids[2]}#1`].sort(),
    );
    // One entry per message (and one per conversation at seq 0), in both tables.
    const n = await entries();
    expect(n.twice).toBe(0);
    expect(n.words).toBe(n.messages);
    const expected = 5 + 3; // five messages, three conversations
    expect(
      (await env.SEARCH.prepare(
        `SELECT count(*) AS n FROM search_messages WHERE conversation_id IN (${ids.map(() => "?").join(",")})`,
      )
        .bind(...ids)
        .first<{ n: number }>())!.n,
    ).toBe(expected);
  });

  it("S41: a failed batch's messages are all written by the retry, and a message written twice has one entry", async () => {
    const agent = await signedInAgent();
    const id = await chat("retry first words");
    // The search database refuses writes: both messages' batches fail, and the conversation keeps them.
    await env.SEARCH.exec("ALTER TABLE search_fts RENAME TO search_fts_away");
    const v = await startVisitor();
    await visitorSays(v, "retry second words");
    await visitorSays(v, "retry third words");
    await expect
      .poll(() =>
        runInDurableObject(
          room(v.conversationId),
          (_o, state) => state.storage.sql.exec<{ n: number }>("SELECT index_attempts AS n FROM conversation").one().n,
        ),
      )
      .toBeGreaterThan(0);
    await env.SEARCH.exec("ALTER TABLE search_fts_away RENAME TO search_fts");
    expect(await found(agent.cookie, "retry")).toEqual([`${id}#1`]);
    // The retry (its alarm, once due) sends both messages, not only the latest summary.
    advanceClock(10 * 60_000);
    await runDurableObjectAlarm(room(v.conversationId));
    await indexed(v.conversationId);
    expect(await found(agent.cookie, "retry")).toEqual([`${v.conversationId}#2`, `${v.conversationId}#1`, `${id}#1`]);

    // The same items written again (a batch retried after D1 applied it) replace their entries.
    const before = await entries();
    const snap = (await room(v.conversationId).snapshot())!.conversation;
    const item: SearchItem = {
      seq: 1,
      kind: "customer",
      channel: "chat",
      authorKind: "visitor",
      authorName: null,
      author: "",
      text: "retry second words, rewritten",
      createdAt: snap.createdAt,
    };
    await writeSearch(env.SEARCH, [{ summary: snap, items: [item] }]);
    await writeSearch(env.SEARCH, [
      { summary: snap, items: [item] },
      { summary: snap, items: [item] },
    ]);
    expect(await entries()).toEqual(before);
    expect(await found(agent.cookie, "rewritten")).toEqual([`${v.conversationId}#1`]);
  });

  it("S41: items of the same millisecond get an entry each, newest-first pages show each once", async () => {
    const agent = await signedInAgent();
    const id = await chat("samems opening");
    const summary = (await room(id).snapshot())!.conversation;
    const at = summary.createdAt + 1;
    const items: SearchItem[] = [2, 3, 4, 5, 6].map((seq) => ({
      seq,
      kind: "reply",
      channel: "chat",
      authorKind: "agent",
      authorName: "Bench",
      author: "Bench",
      text: `samems reply ${seq}`,
      createdAt: at,
    }));
    await writeSearch(env.SEARCH, [{ summary, items: items.slice(0, 2) }]);
    await writeSearch(env.SEARCH, [{ summary, items }]);
    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const { body } = await searchFor(agent.cookie, "samems", `&limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      pages.push(...body.hits.map((h) => `${h.conversation.id}#${h.message?.seq ?? 0}`));
      cursor = body.nextCursor;
    } while (cursor);
    expect(pages.sort()).toEqual([1, 2, 3, 4, 5, 6].map((seq) => `${id}#${seq}`));
  });
});
