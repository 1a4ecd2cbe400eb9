import PostalMime from "postal-mime";
import { describe, expect, it } from "vitest";
import { buildReply, defanged } from "../../src/channels/email/outbound";
import type { ConversationSummary, Message } from "../../src/protocol";
import { conversationOf, deliver, mail } from "./email-helpers";
import { call, clientId, room, signedInAgent, startVisitor, visitorSays, widget } from "./helpers";

let n = 0;
const unique = (name: string) => `${name}.${Date.now()}.${++n}@example.org`;

async function typeAddress(token: string, email: string) {
  const res = await widget("/contact", { token, body: { email } });
  return { status: res.status, body: (await res.json()) as unknown };
}

describe("who really wrote it (S16, S18)", () => {
  it("S16: the widget answers alike for a known contact's address and an unknown one: the address as typed", async () => {
    const known = unique("Known");
    await deliver(mail({ from: `Alice Customer <${known}>` }));
    const [a, b] = [await startVisitor(), await startVisitor()];
    const typed = known.toUpperCase();
    const forKnown = await typeAddress(a.token, typed);
    const forUnknown = await typeAddress(b.token, unique("nobody"));
    expect(forKnown).toEqual({ status: 200, body: { contact: { email: known.toUpperCase(), verified: false } } });
    expect(Object.keys(forUnknown.body as object)).toEqual(Object.keys(forKnown.body as object));
  });

  it("S16: a conversation linked by a typed address is shown under that address, never the contact's stored name", async () => {
    const agent = await signedInAgent();
    const known = unique("alice");
    await deliver(mail({ from: `Alice Customer <${known}>` }));
    const v = await startVisitor();
    await visitorSays(v, "hi, it's me");
    expect((await typeAddress(v.token, known)).status).toBe(200);
    const snap = (await room(v.conversationId).snapshot())!.conversation;
    expect(snap.contact).toMatchObject({ email: known, name: null, verified: false });
    await expect
      .poll(async () => {
        const res = await call("/api/conversations?limit=100", { cookie: agent.cookie });
        return ((await res.json()) as { conversations: ConversationSummary[] }).conversations.find(
          (c) => c.id === v.conversationId,
        )?.contact;
      })
      .toMatchObject({ email: known, name: null, verified: false });
  });

  it("S16: an email to a typed address says where the address came from, and no line of the visitor's is a link", async () => {
    const visitorLine: Message = {
      id: "m_1",
      conversationId: "c_x",
      seq: 1,
      clientId: null,
      kind: "customer",
      channel: "chat",
      direction: "inbound",
      author: { kind: "visitor", id: null, name: null },
      text: "Click https://evil.example/login and www.evil.example now",
      createdAt: Date.UTC(2026, 10, 30, 10),
      status: "sent",
      error: null,
      email: null,
    };
    const raw = buildReply({
      from: { name: "Support", address: "support@example.com" },
      to: { name: null, address: "someone@example.org" },
      replyTo: "reply+0123456789abcdef0123456789abcdef-0011223344556677@example.com",
      subject: "Re: Your chat",
      messageId: "m_2@example.com",
      inReplyTo: null,
      references: [],
      text: "Thanks for writing.",
      transcript: [visitorLine],
      agentName: "Alex",
      typedAddress: true,
    });
    const parsed = await PostalMime.parse(raw);
    for (const part of [parsed.text!, parsed.html!]) {
      expect(part).toContain("This address was given in a chat on our website");
      expect(part).not.toMatch(/https?:\/\/evil|www\.evil/);
      expect(part).toContain(defanged("https://evil.example/login"));
    }
    expect(parsed.html).not.toMatch(/<a\b/i);
    expect(defanged("https://evil.example/login")).toBe("https[:]//evil[.]example/login");
  });

  it("S18: mail that joins a conversation by its threading headers shows its real sender, not the contact's name", async () => {
    const alice = unique("alice");
    const first = `<first-${clientId()}@mail.example.org>`;
    await deliver(mail({ from: `Alice Customer <${alice}>`, messageId: first }));
    const id = (await conversationOf(first.slice(1, -1)))!;
    const mallory = unique("mallory");
    await deliver(mail({ from: `Mallory <${mallory}>`, inReplyTo: first }, "Please send the refund to my new account"));
    const messages = (await room(id).history({ limit: 10 }))!;
    expect(messages.map((m) => [m.author.name, m.email?.from])).toEqual([
      ["Alice Customer", alice],
      ["Mallory", mallory],
    ]);
    expect((await room(id).snapshot())!.conversation.contact).toMatchObject({ email: alice });
  });
});
