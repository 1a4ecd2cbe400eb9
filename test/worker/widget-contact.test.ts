import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ContactRef, ConversationSummary, Message } from "../../src/protocol";
import { conversationIdFromKey } from "../../src/conversation/stub";
import {
  call,
  clientId,
  connect,
  errorOf,
  freshClient,
  indexRow,
  room,
  session,
  SHOP,
  signedInAgent,
  widget,
} from "./helpers";

function uniqueEmail(name: string): string {
  return `${name}.${crypto.randomUUID().slice(0, 8)}@example.com`;
}

async function giveEmail(token: string, email: string) {
  return widget("/contact", { token, body: { email }, client: freshClient() });
}

async function contactRows(email: string) {
  const { results } = await env.DB.prepare("SELECT * FROM contacts WHERE lower(email) = lower(?)")
    .bind(email)
    .all<{ id: string; email: string }>();
  return results;
}

async function listed(cookie: string, id: string): Promise<ConversationSummary | undefined> {
  const res = await call("/api/conversations?limit=100", { cookie });
  return ((await res.json()) as { conversations: ConversationSummary[] }).conversations.find((c) => c.id === id);
}

describe("email capture in the widget", () => {
  it("S16: an email links the conversation to a new contact, marked unverified for agents", async () => {
    const v = await session({}, { client: freshClient() });
    await widget("/messages", { token: v.token, body: { clientId: clientId(), text: "Please email me" } });
    const email = uniqueEmail("new.visitor");
    const res = await giveEmail(v.token, email);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ contact: { email, verified: false } });

    const [contact] = await contactRows(email);
    expect(contact).toBeDefined();
    const row = await indexRow(v.conversationId, 2);
    expect(row).toMatchObject({ contact_id: contact!.id, contact_verified: 0 });
    const agent = await signedInAgent();
    expect((await listed(agent.cookie, v.conversationId))?.contact).toEqual({
      id: contact!.id,
      name: null,
      email,
      verified: false,
    });
    // The agent's conversation view shows the same link.
    const view = await call(`/api/conversations/${v.conversationId}`, { cookie: agent.cookie });
    expect(((await view.json()) as { conversation: ConversationSummary }).conversation.contact).toMatchObject({
      email,
      verified: false,
    });
    expect(await session({ deviceId: v.deviceId })).toMatchObject({ contact: { email, verified: false } });
  });

  it("S16: a known address, in any case, links the existing contact without a duplicate, shown as typed", async () => {
    const email = uniqueEmail("Known.Person");
    const first = await session({}, { client: freshClient() });
    expect((await giveEmail(first.token, email)).status).toBe(200);
    const second = await session({}, { client: freshClient() });
    expect((await giveEmail(second.token, email.toUpperCase())).status).toBe(200);
    const rows = await contactRows(email);
    expect(rows).toHaveLength(1);
    expect((await room(second.conversationId).snapshot())!.conversation.contact).toMatchObject({
      id: rows[0]!.id,
      email: email.toUpperCase(),
      verified: false,
    });
  });

  it("S16: a typed address never brings that contact's other conversations or mail into the widget", async () => {
    const email = uniqueEmail("victim");
    // The contact's own email conversation, with mail in it.
    const victim = await session({}, { client: freshClient() });
    expect((await giveEmail(victim.token, email)).status).toBe(200);
    const contact = (await room(victim.conversationId).snapshot())!.conversation.contact!;
    const mailId = conversationIdFromKey(crypto.randomUUID().replace(/-/g, ""));
    const verified: ContactRef = { ...contact, verified: true };
    await room(mailId).receive(
      [
        {
          type: "message",
          message: {
            clientId: null,
            channel: "email",
            author: { kind: "contact", id: contact.id, name: null },
            text: "My private invoice question",
          },
        },
      ],
      { id: mailId, channel: "email", contact: verified, subject: "Invoice" },
    );

    const intruder = await session({}, { client: freshClient() });
    await widget("/messages", { token: intruder.token, body: { clientId: clientId(), text: "hi" } });
    expect((await giveEmail(intruder.token, email)).status).toBe(200);
    // Even an email reply inside the intruder's own conversation stays out of the widget.
    await room(intruder.conversationId).receive([
      {
        type: "echo",
        channel: "email",
        ourMessageId: null,
        externalId: "elsewhere-1",
        at: Date.now(),
        author: { kind: "agent", id: null, name: "Agent" },
        text: "Emailed to the contact's address",
      },
    ]);

    const res = await widget("/messages", { token: intruder.token });
    const texts = ((await res.json()) as { messages: Message[] }).messages.map((m) => m.text);
    expect(texts).toEqual(["hi"]);
    const socket = await connect(`/api/widget/socket?token=${intruder.token}`, { origin: SHOP });
    // Frames arrive in order: once a later message is in, the email ones never will be.
    await widget("/messages", { token: intruder.token, body: { clientId: clientId(), text: "later" } });
    await socket.next("message", (f) => f.message.text === "later");
    expect(socket.messages().map((m) => m.text)).toEqual(["hi", "later"]);
    expect(socket.frames.find((f) => f.type === "welcome")).toMatchObject({
      conversationId: intruder.conversationId,
      conversation: null,
    });
    socket.close();
    expect((await room(mailId).history({ limit: 10 }))!.map((m) => m.text)).toEqual(["My private invoice question"]);
  });

  it("S28: a bad address or a missing token gets a clear 4xx and links nothing", async () => {
    const v = await session({}, { client: freshClient() });
    for (const email of ["not-an-email", "", "a@b", `${"x".repeat(250)}@example.com`]) {
      const res = await giveEmail(v.token, email);
      expect(res.status, email).toBe(400);
      expect((await errorOf(res)).fields).toHaveProperty("email");
    }
    const extra = await widget("/contact", { token: v.token, body: { email: uniqueEmail("x"), verified: true } });
    expect(extra.status).toBe(400);
    const anonymous = await widget("/contact", { body: { email: uniqueEmail("anon") } });
    expect(anonymous.status).toBe(401);
    expect((await room(v.conversationId).snapshot())!.conversation.contact).toBeNull();
  });

  it("S16: a link stored before the verified flag existed reads as unverified", async () => {
    const id = `c_${crypto.randomUUID().replace(/-/g, "")}`;
    const legacy = { id: "ct_legacy", name: null, email: "old@example.com" } as unknown as ContactRef;
    await room(id).ensure({ id, channel: "email", contact: legacy });
    expect((await room(id).snapshot())!.conversation.contact).toEqual({ ...legacy, verified: false });
  });
});
