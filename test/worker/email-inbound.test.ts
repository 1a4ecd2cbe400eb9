import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { replyAddress } from "../../src/channels/email/reply-address";
import type { Message } from "../../src/protocol";
import { call, clientId, room, signedInAgent } from "./helpers";
import { contactCount, deliver, mail } from "./email-helpers";

let n = 0;
const unique = (name: string) => `${name}.${Date.now()}.${++n}@example.org`;
const msgId = () => `t${Date.now()}.${++n}@mail.example.org`;

async function thread(id: string): Promise<Message[]> {
  return (await room(id).history({ limit: 100 })) ?? [];
}

async function contactConversation(email: string): Promise<string> {
  const row = await env.DB.prepare(
    "SELECT c.id FROM conversations c JOIN contacts ct ON ct.id = c.contact_id WHERE lower(ct.email) = lower(?) ORDER BY c.last_message_at DESC",
  )
    .bind(email)
    .first<{ id: string }>();
  if (!row) throw new Error(`no conversation for ${email}`);
  return row.id;
}

/** Sends an agent's email reply in a conversation and returns our Message-ID. */
async function agentEmails(id: string, text = "Thanks, we are on it."): Promise<string> {
  const agent = await signedInAgent();
  const res = await call(`/api/conversations/${id}/messages`, {
    cookie: agent.cookie,
    body: { clientId: clientId(), channel: "email", text },
  });
  const { message } = (await res.json()) as { message: Message };
  return message.email!.messageId!;
}

describe("routing inbound mail (S18, S19)", () => {
  it("S18: an unknown sender gets a new contact (named from From) and a new conversation", async () => {
    const from = unique("ana");
    const before = await contactCount();
    await deliver(mail({ from: `Ana Ruiz <${from}>`, subject: "Where is my order?" }, "It has not arrived."));
    expect(await contactCount()).toBe(before + 1);
    const id = await contactConversation(from);
    const [m] = await thread(id);
    expect(m).toMatchObject({
      channel: "email",
      direction: "inbound",
      text: "It has not arrived.",
      author: { kind: "contact", name: "Ana Ruiz" },
    });
    expect(m!.email).toMatchObject({ subject: "Where is my order?", from });
    expect((await room(id).snapshot())!.conversation).toMatchObject({
      channel: "email",
      subject: "Where is my order?",
      contact: { email: from, name: "Ana Ruiz" },
    });
  });

  it("S18: mail to a conversation's signed reply address joins it, whoever sends it; a forged token falls to the next rule", async () => {
    const owner = unique("owner");
    await deliver(mail({ from: owner }));
    const id = await contactConversation(owner);
    const address = await replyAddress(env.EMAIL_REPLY_SECRET, id, env.REPLY_DOMAIN);
    const colleague = unique("colleague");
    await deliver(mail({ from: colleague, to: address }, "Adding my colleague's note"), colleague, address);
    expect((await thread(id)).map((m) => m.text)).toContain("Adding my colleague's note");

    const forged = address.replace(/-[0-9a-f]{16}@/, "-0000000000000000@");
    const stranger = unique("stranger");
    await deliver(mail({ from: stranger, to: forged }, "forged"), stranger, forged);
    expect((await thread(id)).map((m) => m.text)).not.toContain("forged");
    expect((await thread(await contactConversation(stranger))).map((m) => m.text)).toEqual(["forged"]);
  });

  it("S18: a reply is placed by In-Reply-To, and by References alone", async () => {
    const from = unique("threaded");
    await deliver(mail({ from }));
    const id = await contactConversation(from);
    const ours = await agentEmails(id);
    const other = unique("other-sender");
    await deliver(mail({ from: other, inReplyTo: `<${ours}>`, subject: "Re: Question" }, "via in-reply-to"));
    await deliver(
      mail({ from: unique("third"), references: `<unknown@x> <${ours}>`, subject: "Re: Question" }, "via references"),
    );
    expect((await thread(id)).map((m) => m.text)).toEqual(
      expect.arrayContaining(["via in-reply-to", "via references"]),
    );
  });

  it("S18: a known contact writing about something new, without threading headers, lands in their latest conversation, reopened, with the subject shown", async () => {
    const from = unique("returning");
    await deliver(mail({ from, subject: "First topic" }));
    const id = await contactConversation(from);
    const agent = await signedInAgent();
    await call(`/api/conversations/${id}/complete`, { method: "POST", cookie: agent.cookie });
    await deliver(mail({ from, subject: "A new topic" }, "Another question"));
    const messages = await thread(id);
    expect(messages.at(-1)).toMatchObject({ text: "Another question", email: { subject: "A new topic" } });
    expect((await room(id).snapshot())!.conversation).toMatchObject({ status: "open", read: false });
  });

  it("S19: a reply to another tool's mail (unknown In-Reply-To) goes to the contact's conversation", async () => {
    const from = unique("campaign");
    await deliver(mail({ from }));
    const id = await contactConversation(from);
    await deliver(
      mail(
        { from, inReplyTo: "<newsletter-123@mailchimp.example>", subject: "Re: Our November news" },
        "Unsubscribe me",
      ),
    );
    expect((await thread(id)).map((m) => m.text)).toContain("Unsubscribe me");
  });

  it("S19: the same mail twice is stored once, by Message-ID, and by its bytes when it has none", async () => {
    const from = unique("twice");
    const withId = mail({ from }, "once by id");
    await deliver(withId);
    await deliver(withId);
    const noId = mail({ from, messageId: null }, "once by bytes");
    await deliver(noId);
    await deliver(noId);
    const texts = (await thread(await contactConversation(from))).map((m) => m.text);
    expect(texts.filter((t) => t === "once by id")).toHaveLength(1);
    expect(texts.filter((t) => t === "once by bytes")).toHaveLength(1);
  });

  it("S19: two copies of one mail delivered at the same moment are stored once, in one conversation, from new and known senders", async () => {
    const known = unique("known");
    await deliver(mail({ from: known }, "first contact"));
    const senders = [unique("new-a"), unique("new-b"), known, known];
    await Promise.all(
      senders.flatMap((from, i) => {
        const copy = mail({ from, subject: `Race ${i}` }, `race ${i}`);
        return [deliver(copy), deliver(copy)];
      }),
    );
    for (const [i, from] of senders.entries()) {
      const rows = await env.DB.prepare(
        "SELECT c.id FROM conversations c JOIN contacts ct ON ct.id = c.contact_id WHERE lower(ct.email) = lower(?)",
      )
        .bind(from)
        .all<{ id: string }>();
      const texts = (await Promise.all(rows.results.map((r) => thread(r.id)))).flat().map((m) => m.text);
      expect(
        texts.filter((t) => t === `race ${i}`),
        from,
      ).toHaveLength(1);
      if (from !== known) expect(rows.results, from).toHaveLength(1);
    }
  });

  it("S19 S23: a set-aside mail delivered twice, even at once, is set aside once", async () => {
    const agent = await signedInAgent();
    const subject = `Automatic reply ${clientId()}`;
    const copy = mail({ from: unique("away"), subject, extra: "Auto-Submitted: auto-replied" }, "Away");
    await Promise.all([deliver(copy), deliver(copy)]);
    await deliver(copy);
    const list = (await (await call("/api/mail/set-aside", { cookie: agent.cookie })).json()) as {
      mail: { subject: string }[];
    };
    expect(list.mail.filter((m) => m.subject === subject)).toHaveLength(1);
  });

  it("S19: mail forwarded to the support address belongs to the forwarder; the forwarded message is shown", async () => {
    const forwarder = unique("forwarder");
    const body = [
      "FYI, see below.",
      "",
      "---------- Forwarded message ---------",
      "From: Customer <customer@example.net>",
      "Date: Mon, 23 Nov 2026 10:00",
      "Subject: Broken item",
      "To: <forwarder@example.org>",
      "",
      "The item arrived broken.",
    ].join("\n");
    await deliver(mail({ from: forwarder, subject: "Fwd: Broken item" }, body));
    const messages = await thread(await contactConversation(forwarder));
    const all = `${messages[0]!.text}\n${messages[0]!.email?.quoted ?? ""}`;
    expect(all).toContain("The item arrived broken.");
  });
});

describe("trust and content (S18, S22)", () => {
  it("S18: a sender is verified only by Cloudflare's own Authentication-Results", async () => {
    const good = unique("signed");
    await deliver(
      mail({
        from: good,
        extra:
          "Authentication-Results: mx.cloudflare.net; dkim=pass header.d=example.org; dmarc=pass header.from=example.org; spf=pass",
      }),
    );
    const forged = unique("claims");
    await deliver(
      mail({ from: forged, extra: "Authentication-Results: mail.attacker.example; dkim=pass; dmarc=pass; spf=pass" }),
    );
    expect((await thread(await contactConversation(good)))[0]!.email!.senderVerified).toBe(true);
    expect((await thread(await contactConversation(forged)))[0]!.email!.senderVerified).toBe(false);
  });

  it("S22: HTML mail is kept sanitised: no script runs, no remote image loads until asked", async () => {
    const from = unique("html");
    const raw = [
      `From: ${from}`,
      "To: support@example.com",
      "Subject: Fancy mail",
      `Message-ID: <${msgId()}>`,
      "MIME-Version: 1.0",
      'Content-Type: multipart/alternative; boundary="b"',
      "",
      "--b",
      "Content-Type: text/plain; charset=utf-8",
      "",
      "Plain version",
      "--b",
      "Content-Type: text/html; charset=utf-8",
      "",
      '<p onclick="steal()">Hi<script>alert(1)</script><img src="https://tracker.example/pixel.gif"><a href="javascript:alert(2)">x</a></p>',
      "--b--",
    ].join("\n");
    await deliver(raw);
    const id = await contactConversation(from);
    const [m] = await thread(id);
    expect(m!.email).toMatchObject({ html: true, remoteImages: true });
    const agent = await signedInAgent();
    const res = await call(`/api/mail/${id}/${m!.id}/html`, { cookie: agent.cookie });
    const html = await res.text();
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(res.headers.get("content-security-policy")).not.toContain("https:");
    expect(html).not.toMatch(/<script|onclick|javascript:|\ssrc="https:\/\/tracker/);
    expect(html).toContain("tracker.example/pixel.gif");
    const withImages = await call(`/api/mail/${id}/${m!.id}/html?images=1`, { cookie: agent.cookie });
    expect(withImages.headers.get("content-security-policy")).toContain("img-src data: https:");
    expect((await call(`/api/mail/${id}/${m!.id}/html`)).status).toBe(401);
  });

  it("S22: attachments are kept and downloadable by signed-in agents only", async () => {
    const from = unique("attach");
    const raw = [
      `From: ${from}`,
      "To: support@example.com",
      "Subject: Invoice",
      `Message-ID: <${msgId()}>`,
      "MIME-Version: 1.0",
      'Content-Type: multipart/mixed; boundary="m"',
      "",
      "--m",
      "Content-Type: text/plain; charset=utf-8",
      "",
      "Attached.",
      "--m",
      'Content-Type: application/pdf; name="factura-ñ.pdf"',
      'Content-Disposition: attachment; filename="factura-ñ.pdf"',
      "Content-Transfer-Encoding: base64",
      "",
      btoa("%PDF-1.4 fake"),
      "--m--",
    ].join("\n");
    await deliver(raw);
    const id = await contactConversation(from);
    const [m] = await thread(id);
    expect(m!.email!.attachments).toEqual([
      { index: 0, filename: "factura-ñ.pdf", mimeType: "application/pdf", size: 13 },
    ]);
    const agent = await signedInAgent();
    const file = await call(`/api/mail/${id}/${m!.id}/attachments/0`, { cookie: agent.cookie });
    expect(file.status).toBe(200);
    expect(await file.text()).toBe("%PDF-1.4 fake");
    expect(file.headers.get("content-disposition")).toContain("attachment;");
    expect((await call(`/api/mail/${id}/${m!.id}/attachments/0`)).status).toBe(401);
  });
});

describe("auto-replies, bounces and reports (S23)", () => {
  it("S23: a permanent bounce marks our reply failed; a delay notice does not", async () => {
    const from = unique("bounced");
    await deliver(mail({ from }));
    const id = await contactConversation(from);
    const ours = await agentEmails(id, "This will bounce");
    const dsn = (action: string, status: string) =>
      [
        "From: Mail Delivery System <MAILER-DAEMON@mx.example.org>",
        "To: support@example.com",
        "Subject: Delivery Status Notification",
        `Message-ID: <${msgId()}>`,
        "Auto-Submitted: auto-replied",
        "MIME-Version: 1.0",
        'Content-Type: multipart/report; report-type=delivery-status; boundary="r"',
        "",
        "--r",
        "Content-Type: text/plain",
        "",
        "Your message could not be delivered.",
        "--r",
        "Content-Type: message/delivery-status",
        "",
        "Reporting-MTA: dns; mx.example.org",
        "",
        `Final-Recipient: rfc822; ${from}`,
        `Action: ${action}`,
        `Status: ${status}`,
        "Diagnostic-Code: smtp; 550 5.1.1 user unknown",
        "--r",
        "Content-Type: text/rfc822-headers",
        "",
        `Message-ID: <${ours}>`,
        `To: ${from}`,
        "Subject: Re: Question",
        "--r--",
      ].join("\n");
    const before = await contactCount();
    await deliver(dsn("delayed", "4.4.7"), "MAILER-DAEMON@mx.example.org");
    expect((await thread(id)).find((m) => m.email?.messageId === ours)!.status).toBe("sent");
    await deliver(dsn("failed", "5.1.1"), "MAILER-DAEMON@mx.example.org");
    const failed = (await thread(id)).find((m) => m.email?.messageId === ours)!;
    expect(failed.status).toBe("failed");
    expect(failed.error).toMatch(/bounced/);
    expect(await contactCount()).toBe(before);
  });

  it("S23: an auto-reply reopens nothing and creates no contact", async () => {
    const from = unique("away");
    await deliver(mail({ from }));
    const id = await contactConversation(from);
    const ours = await agentEmails(id);
    const agent = await signedInAgent();
    await call(`/api/conversations/${id}/complete`, { method: "POST", cookie: agent.cookie });
    await deliver(
      mail(
        { from, subject: "Out of office", inReplyTo: `<${ours}>`, extra: "Auto-Submitted: auto-replied" },
        "I am away until Monday.",
      ),
    );
    expect((await room(id).snapshot())!.conversation.status).toBe("complete");
    const before = await contactCount();
    await deliver(
      mail(
        {
          from: unique("vacation"),
          subject: "Automatic reply",
          extra: "Auto-Submitted: auto-replied\nX-Autoreply: yes",
        },
        "Away",
      ),
    );
    expect(await contactCount()).toBe(before);
    // Set aside, not dropped: listed for agents with the reason, the raw mail downloadable.
    const list = (await (await call("/api/mail/set-aside", { cookie: agent.cookie })).json()) as {
      mail: { id: string; reason: string; subject: string }[];
    };
    const aside = list.mail.find((m) => m.subject === "Automatic reply")!;
    expect(aside.reason).toMatch(/auto-reply/);
    const raw = await call(`/api/mail/set-aside/${aside.id}/raw`, { cookie: agent.cookie });
    expect(await raw.text()).toContain("X-Autoreply: yes");
  });
});
