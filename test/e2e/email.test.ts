import { readFileSync } from "node:fs";
import PostalMime from "postal-mime";
import { describe, expect, it } from "vitest";
import type { Message } from "../../src/protocol";
import {
  call,
  clientId,
  feedSocket,
  newAgent,
  postMail,
  rawMail,
  sentMailFiles,
  startVisitor,
  visitorSays,
  widget,
} from "./live";

describe("email against wrangler dev", () => {
  it("S18 S20: mail posted to the local email endpoint shows live in the inbox; the email reply is written with threading and the chat", async () => {
    const agent = await newAgent();
    const feed = await feedSocket(agent.cookie);
    const from = `e2e.${Date.now()}@example.org`;
    const theirId = `e2e-${Date.now()}@mail.example.org`;
    const res = await postMail(
      rawMail(`Eva Example <${from}>`, "How do I return a parcel?", { subject: "Return a parcel", messageId: theirId }),
    );
    expect(res.status).toBeLessThan(300);
    const update = await feed.next(
      "conversation",
      (f) => f.conversation.preview === "How do I return a parcel?",
      10_000,
    );
    const id = update.conversation.id;
    expect(update.conversation).toMatchObject({
      channel: "email",
      subject: "Return a parcel",
      contact: { email: from, name: "Eva Example" },
    });

    const reply = await call(`/api/conversations/${id}/messages`, {
      cookie: agent.cookie,
      body: { clientId: clientId(), channel: "email", text: "Use the label in the box." },
    });
    expect(reply.status).toBe(201);
    const { message } = (await reply.json()) as { message: Message };
    expect(message.status).toBe("sent");

    // wrangler dev's simulator writes the mail with a Message-ID of its own, so find it by the thread it answers.
    const find = () => sentMailFiles().find((f) => readFileSync(f, "latin1").includes(`In-Reply-To: <${theirId}>`));
    await expect
      .poll(find, { timeout: 5000, message: "wrangler dev writes the sent mail under .wrangler/tmp" })
      .toBeDefined();
    const file = find();
    const sent = await PostalMime.parse(readFileSync(file!));
    expect(sent.inReplyTo).toBe(`<${theirId}>`);
    expect(sent.references).toBe(`<${theirId}>`);
    expect(sent.subject).toBe("Re: Return a parcel");
    expect(sent.to?.[0]?.address).toBe(from);
    expect(sent.replyTo?.[0]?.address).toMatch(/^reply\+[0-9a-f]{32}-[0-9a-f]{16}@/);
    expect(sent.text).toContain("Use the label in the box.");
    feed.close();
  });

  it("S21: each email carries the chat since the conversation's last email, in both parts, and nothing before it", async () => {
    const agent = await newAgent();
    const v = await startVisitor();
    const address = `chat.${Date.now()}@example.org`;
    await widget("/contact", { token: v.token, body: { email: address } });
    const say = (text: string) => visitorSays(v, text);
    const reply = async (channel: "chat" | "email", text: string) => {
      const res = await call(`/api/conversations/${v.conversationId}/messages`, {
        cookie: agent.cookie,
        body: { clientId: clientId(), channel, text },
      });
      expect(res.status).toBe(201);
    };
    await say("First chat question");
    await reply("chat", "First chat answer");
    await reply("email", "First email");
    await say("Second chat question");
    await reply("email", "Second email");

    const sentTo = async (marker: string) => {
      const find = () => sentMailFiles().find((f) => readFileSync(f, "utf8").includes(marker));
      await expect.poll(find, { timeout: 5000 }).toBeDefined();
      return PostalMime.parse(readFileSync(find()!));
    };
    const first = await sentTo("First email");
    const second = await sentTo("Second email");
    for (const part of [first.text!, first.html!]) {
      expect(part).toContain("First chat question");
      expect(part).toContain("First chat answer");
      expect(part).not.toContain("Second chat question");
    }
    for (const part of [second.text!, second.html!]) {
      expect(part).toContain("Second chat question");
      expect(part).not.toContain("First chat question");
      expect(part).not.toContain("First chat answer");
    }
    expect(second.to?.[0]?.address).toBe(address);
  });
});
