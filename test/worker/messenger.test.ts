import { env } from "cloudflare:workers";
import { afterEach, describe, expect, inject, it } from "vitest";
import { messengerConversationId } from "../../src/channels/messenger/routes";
import { sendText } from "../../src/channels/messenger/graph";
import { advanceClock, now, resetClock } from "../../src/lib/clock";
import type { Message } from "../../src/protocol";
import { call, connect, errorOf, room, signedInAgent } from "./helpers";
import { corpusBytes, corpusNames } from "./corpus";
import { messengerText, sign, webhook } from "./messenger-helpers";

afterEach(() => resetClock());

const encoder = new TextEncoder();

let n = 0;
const person = (prefix = "psid") => `${prefix}-${Date.now()}-${++n}`;
const text = messengerText;
const receipt = (psid: string, kind: "delivery" | "read", watermark: number) => ({
  object: "page",
  entry: [
    {
      id: "PAGE",
      time: watermark,
      messaging: [{ sender: { id: psid }, recipient: { id: "PAGE" }, [kind]: { watermark } }],
    },
  ],
});
const echo = (psid: string, mid: string, body: string, metadata?: string) => ({
  object: "page",
  entry: [
    {
      id: "PAGE",
      time: now(),
      messaging: [
        {
          sender: { id: "PAGE" },
          recipient: { id: psid },
          timestamp: now(),
          message: { is_echo: true, mid, text: body, ...(metadata ? { metadata } : {}) },
        },
      ],
    },
  ],
});

async function thread(psid: string): Promise<Message[]> {
  return (await room(await messengerConversationId(psid)).history({ limit: 100 })) ?? [];
}

async function graphCalls(): Promise<
  { method: string; path: string; query: Record<string, string>; body: Record<string, unknown> }[]
> {
  return (await fetch(`${new URL(inject("graphStubUrl")).origin}/__calls`)).json();
}

async function reply(cookie: string, psid: string, body: string, clientId = `cid-${Date.now()}-${++n}`) {
  const id = await messengerConversationId(psid);
  return call(`/api/conversations/${id}/messages`, { cookie, body: { clientId, channel: "messenger", text: body } });
}

describe("the webhook", () => {
  it("S24: the subscription check answers the challenge only for the right verify token", async () => {
    const ok = await call(
      "/webhooks/messenger?hub.mode=subscribe&hub.verify_token=test-verify-token&hub.challenge=1158201444",
      { origin: null },
    );
    expect([ok.status, await ok.text()]).toEqual([200, "1158201444"]);
    for (const q of [
      "hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1",
      "hub.mode=unsubscribe&hub.verify_token=test-verify-token&hub.challenge=1",
      "",
    ]) {
      const res = await call(`/webhooks/messenger?${q}`, { origin: null });
      expect(res.status).toBe(403);
    }
  });

  it("S24: a POST with a missing, wrong or re-encoded signature is refused with 401 and nothing is stored", async () => {
    const psid = person();
    const raw = encoder.encode(JSON.stringify(text(psid, `mid.${psid}`, "hello"), null, 2));
    const reencoded = encoder.encode(JSON.stringify(JSON.parse(new TextDecoder().decode(raw))));
    for (const [body, sig] of [
      [raw, null],
      [raw, `sha256=${"0".repeat(64)}`],
      [raw, await sign(reencoded)],
      [reencoded, await sign(raw)],
    ] as const) {
      const res = await webhook(body, sig);
      expect(res.status).toBe(401);
      expect((await errorOf(res)).code).toBe("bad_signature");
    }
    expect(await thread(psid)).toEqual([]);
    expect((await webhook(raw)).status).toBe(200);
    expect((await thread(psid)).map((m) => m.text)).toEqual(["hello"]);
  });

  it("S25: every webhook in the corpus is accepted and stored, or acknowledged and ignored; invalid JSON is a 400", async () => {
    const files = corpusNames("messenger").filter((f) => !/signature|sendapi|graphapi|meta_docs_sendapi/.test(f));
    for (const file of files) {
      const res = await webhook(corpusBytes(file));
      if (file.includes("INVALID_JSON")) expect(res.status, file).toBe(400);
      else expect(res.status, file).toBe(200);
    }
    const stored = await thread("1256217357730577");
    expect(stored.map((m) => [m.channel, m.direction, m.text])).toEqual([["messenger", "inbound", "34wrr3wr"]]);
    const attachments = await thread("USER_ID");
    expect(attachments.some((m) => m.text.includes("[location] 52.3765533, 9.7389123"))).toBe(true);
    expect(attachments.some((m) => m.direction === "outbound" && m.text === "hello, text message world!")).toBe(true);
  });

  it("S25: a new person gets a new thread and no contact; their next message joins it and reopens it", async () => {
    const before = await env.DB.prepare("SELECT count(*) AS n FROM contacts").first();
    const psid = person();
    await webhook(text(psid, `mid.a.${psid}`, "first"));
    const id = await messengerConversationId(psid);
    const snap = (await room(id).snapshot())!;
    expect(snap.conversation).toMatchObject({ channel: "messenger", contact: null, status: "open", read: false });
    expect(await env.DB.prepare("SELECT count(*) AS n FROM contacts").first()).toEqual(before);

    const agent = await signedInAgent();
    await call(`/api/conversations/${id}/complete`, { method: "POST", cookie: agent.cookie });
    await webhook(text(psid, `mid.b.${psid}`, "second"));
    expect((await room(id).snapshot())!.conversation).toMatchObject({ status: "open", read: false });
    expect((await thread(psid)).map((m) => m.text)).toEqual(["first", "second"]);
    await expect
      .poll(async () => (await room(id).snapshot())!.conversation.personName)
      .toBe(`Test Person ${psid.slice(-4)}`);
  });

  it("S27: the same event delivered twice, or twice in one batch, is stored once", async () => {
    const psid = person();
    const payload = text(psid, `mid.dup.${psid}`, "only once");
    payload.entry.push(payload.entry[0]!);
    expect((await webhook(payload)).status).toBe(200);
    expect((await webhook(payload)).status).toBe(200);
    expect((await thread(psid)).map((m) => m.text)).toEqual(["only once"]);
  });
});

describe("replies", () => {
  it("S26: a reply within 24 hours sends a correct Send API request and is marked sent", async () => {
    const psid = person();
    await webhook(text(psid, `mid.${psid}`, "Can you help?"));
    advanceClock(23 * 60 * 60 * 1000 + 59 * 60 * 1000);
    const agent = await signedInAgent();
    const res = await reply(agent.cookie, psid, "Of course!");
    expect(res.status).toBe(201);
    const { message } = (await res.json()) as { message: Message };
    expect(message).toMatchObject({ channel: "messenger", direction: "outbound", status: "sent", text: "Of course!" });
    const sent = (await graphCalls()).filter((c) => (c.body?.recipient as { id?: string })?.id === psid);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      method: "POST",
      path: "/v24.0/me/messages",
      query: { access_token: "test-page-token" },
      body: {
        recipient: { id: psid },
        messaging_type: "RESPONSE",
        message: { text: "Of course!", metadata: message.id },
      },
    });
    expect(sent[0]!.body).not.toHaveProperty("tag");
  });

  it("S26: at 24 h + 1 min a standard reply is refused with the reason, nothing is stored or sent", async () => {
    const psid = person();
    await webhook(text(psid, `mid.${psid}`, "hello"));
    advanceClock(24 * 60 * 60 * 1000 + 60 * 1000);
    const agent = await signedInAgent();
    const res = await reply(agent.cookie, psid, "Too late?");
    expect(res.status).toBe(422);
    expect((await errorOf(res)).message).toMatch(/More than 24 hours/);
    expect((await thread(psid)).map((m) => m.text)).toEqual(["hello"]);
    expect((await graphCalls()).filter((c) => (c.body?.recipient as { id?: string })?.id === psid)).toEqual([]);
  });

  it("S26: the HUMAN_AGENT tag goes out as a MESSAGE_TAG request", async () => {
    const result = await sendText(
      { baseUrl: inject("graphStubUrl"), pageToken: "t" },
      { psid: "tagged-1", text: "Human here", metadata: "m_1", tag: "HUMAN_AGENT" },
    );
    expect(result.ok).toBe(true);
    const call = (await graphCalls()).find((c) => (c.body?.recipient as { id?: string })?.id === "tagged-1");
    expect(call!.body).toMatchObject({ messaging_type: "MESSAGE_TAG", tag: "HUMAN_AGENT" });
  });

  it("S26: a Send API error marks the reply failed with a plain reason; a retry sends it again", async () => {
    const agent = await signedInAgent();
    const psid = person("unavailable");
    await webhook(text(psid, `mid.${psid}`, "hi"));
    const clientId = `cid-retry-${Date.now()}`;
    const failed = (await (await reply(agent.cookie, psid, "Are you there?", clientId)).json()) as { message: Message };
    expect(failed.message).toMatchObject({ status: "failed", error: expect.stringMatching(/isn't available/) });
    const again = (await (await reply(agent.cookie, psid, "Are you there?", clientId)).json()) as { message: Message };
    expect(again.message.seq).toBe(failed.message.seq);
    expect((await graphCalls()).filter((c) => (c.body?.recipient as { id?: string })?.id === psid)).toHaveLength(2);
    expect((await thread(psid)).filter((m) => m.direction === "outbound")).toHaveLength(1);
  });
});

describe("receipts and echoes", () => {
  it("S27: deliveries and reads move our messages to delivered and read, live on the agent's socket", async () => {
    const agent = await signedInAgent();
    const psid = person();
    await webhook(text(psid, `mid.${psid}`, "hello"));
    const id = await messengerConversationId(psid);
    const socket = await connect(`/api/conversations/${id}/socket`, { cookie: agent.cookie });
    const { message } = (await (await reply(agent.cookie, psid, "Hi!")).json()) as { message: Message };
    await webhook(receipt(psid, "delivery", now() + 1000));
    await socket.next("status", (f) => f.seq === message.seq && f.status === "delivered");
    await webhook(receipt(psid, "read", now() + 2000));
    await socket.next("status", (f) => f.seq === message.seq && f.status === "read");
    await webhook(receipt(psid, "delivery", now() + 3000)); // a late delivery never moves it back
    expect((await thread(psid)).find((m) => m.seq === message.seq)!.status).toBe("read");
    socket.close();
  });

  it("S27: the echo of our reply is matched by its metadata, not stored twice; the Page's own messages are stored once", async () => {
    const agent = await signedInAgent();
    const psid = person();
    await webhook(text(psid, `mid.${psid}`, "hello"));
    const { message } = (await (await reply(agent.cookie, psid, "Our reply")).json()) as { message: Message };
    await webhook(echo(psid, `mid.echo.${psid}`, "Our reply", message.id));
    await webhook(echo(psid, `mid.page.${psid}`, "Written in the Page inbox"));
    await webhook(echo(psid, `mid.page.${psid}`, "Written in the Page inbox"));
    const all = await thread(psid);
    expect(all.map((m) => [m.direction, m.author.kind, m.text])).toEqual([
      ["inbound", "contact", "hello"],
      ["outbound", "agent", "Our reply"],
      ["outbound", "system", "Written in the Page inbox"],
    ]);
  });
});
