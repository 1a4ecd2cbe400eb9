import PostalMime from "postal-mime";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { buildReply } from "../../src/channels/email/outbound";
import { conversationFromAddresses, replyAddress } from "../../src/channels/email/reply-address";
import type { Message } from "../../src/protocol";
import { call, clientId, room, signedInAgent, startVisitor, visitorSays } from "./helpers";

const chat = (seq: number, direction: "inbound" | "outbound", text: string): Message => ({
  id: `m_${seq}`,
  conversationId: "c_x",
  seq,
  clientId: null,
  kind: direction === "inbound" ? "customer" : "reply",
  channel: "chat",
  direction,
  author:
    direction === "inbound" ? { kind: "visitor", id: null, name: null } : { kind: "agent", id: "a", name: "Alex" },
  text,
  createdAt: Date.UTC(2026, 10, 24, 10, seq),
  status: "sent",
  error: null,
  email: null,
});

describe("outbound email", () => {
  it("S20: the reply's MIME carries threading headers, the reply address and the chat transcript in both parts", async () => {
    const raw = buildReply({
      from: { name: "Support", address: "support@example.com" },
      to: { name: "María López", address: "maria@example.org" },
      replyTo: "reply+0123456789abcdef0123456789abcdef-0011223344556677@example.com",
      subject: "Re: Order <42> & shipping",
      messageId: "m_abc@example.com",
      inReplyTo: "their-1@mail.example.org",
      references: ["their-0@mail.example.org", "their-1@mail.example.org"],
      text: "Hola María,\n\nYour order ships today.",
      transcript: [chat(1, "inbound", "¿Dónde está mi pedido?"), chat(2, "outbound", "Let me check <b>now</b>")],
      agentName: "Alex",
      typedAddress: false,
    });
    const mail = await PostalMime.parse(raw);
    expect(mail.messageId).toBe("<m_abc@example.com>");
    expect(mail.inReplyTo).toBe("<their-1@mail.example.org>");
    expect(mail.references).toBe("<their-0@mail.example.org> <their-1@mail.example.org>");
    expect(mail.subject).toBe("Re: Order <42> & shipping");
    expect(mail.from).toMatchObject({ address: "support@example.com", name: "Support" });
    expect(mail.to?.[0]).toMatchObject({ address: "maria@example.org", name: "María López" });
    expect(mail.replyTo?.[0]?.address).toBe("reply+0123456789abcdef0123456789abcdef-0011223344556677@example.com");
    expect(mail.text).toContain("Your order ships today.");
    expect(mail.text).toContain("¿Dónde está mi pedido?");
    expect(mail.text).toContain("Alex: Let me check <b>now</b>");
    expect(mail.html).toContain("¿Dónde está mi pedido?");
    expect(mail.html).toContain("Let me check &lt;b&gt;now&lt;/b&gt;");
    expect(mail.html).not.toContain("<b>now</b>");
  });

  it("S18: a reply address routes back only with its valid signature", async () => {
    const id = `c_${"ab".repeat(16)}`;
    const address = await replyAddress("secret", id, "example.com");
    expect(await conversationFromAddresses("secret", ["someone@else.com", `"Support" <${address}>`])).toBe(id);
    const forged = address.replace(
      /-([0-9a-f]{16})@/,
      (_, mac: string) => `-${mac.replace(/^./, (c) => (c === "0" ? "1" : "0"))}@`,
    );
    expect(await conversationFromAddresses("secret", [forged])).toBeNull();
    expect(await conversationFromAddresses("another-secret", [address])).toBeNull();
  });

  it("S17 S20: an agent switches a chat to email: the reply is sent to the contact and recorded for threading", async () => {
    const agent = await signedInAgent();
    const v = await startVisitor();
    await visitorSays(v, "Can you email me the invoice?");
    const link = await call("/api/widget/contact", {
      body: { email: "invoice@example.org" },
      headers: { authorization: `Bearer ${v.token}` },
      origin: "https://shop.example",
    });
    expect(link.status).toBeLessThan(300);
    const res = await call(`/api/conversations/${v.conversationId}/messages`, {
      cookie: agent.cookie,
      body: { clientId: clientId(), channel: "email", text: "Here it is." },
    });
    expect(res.status).toBe(201);
    const { message } = (await res.json()) as { message: Message };
    expect(message).toMatchObject({
      channel: "email",
      direction: "outbound",
      status: "sent",
      email: { to: ["invoice@example.org"], subject: expect.stringMatching(/^Re: /) },
    });
    const row = await env.DB.prepare("SELECT conversation_id, direction FROM email_messages WHERE message_id = ?")
      .bind(message.email!.messageId)
      .first();
    expect(row).toEqual({ conversation_id: v.conversationId, direction: "outbound" });
    // The widget never shows the email (S15).
    const widget = await call("/api/widget/messages", {
      headers: { authorization: `Bearer ${v.token}` },
      origin: "https://shop.example",
    });
    expect(((await widget.json()) as { messages: Message[] }).messages.map((m) => m.channel)).toEqual(["chat"]);
    expect((await room(v.conversationId).history({ limit: 10 }))!.map((m) => m.channel)).toEqual(["chat", "email"]);
  });

  it("S7: an email reply without a known address is refused with the reason", async () => {
    const agent = await signedInAgent();
    const v = await startVisitor();
    await visitorSays(v, "hi");
    const res = await call(`/api/conversations/${v.conversationId}/messages`, {
      cookie: agent.cookie,
      body: { clientId: clientId(), channel: "email", text: "Hello" },
    });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/No email address/);
  });
});
