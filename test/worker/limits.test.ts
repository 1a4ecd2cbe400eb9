import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { CLOSE_TOO_MANY_FRAMES, MAX_SUBJECT_CHARS } from "../../src/protocol";
import { conversationOf, deliver } from "./email-helpers";
import {
  agentSays,
  agentSocket,
  call,
  clientId,
  room,
  signedInAgent,
  startVisitor,
  visitorSays,
  visitorSocket,
  socketsOfEachTest,
} from "./helpers";

const open = socketsOfEachTest();

describe("limits (S28)", () => {
  it("S28: a visitor's burst of 150 messages gets 429 with Retry-After beyond the limit; others are unaffected", async () => {
    const v = await startVisitor();
    const answers = [];
    for (let i = 0; i < 150; i++) answers.push((await visitorSays(v, `flood ${i}`)).res);
    const stored = answers.filter((r) => r.status === 201).length;
    const refused = answers.filter((r) => r.status === 429);
    const burst = Number(env.VISITOR_MESSAGE_BURST);
    expect(stored).toBeGreaterThanOrEqual(burst);
    expect(stored).toBeLessThan(burst + 5);
    expect(refused).toHaveLength(150 - stored);
    expect(Number(refused[0]!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((await room(v.conversationId).history({ limit: 500 }))!).toHaveLength(stored);
    // Another visitor, and an agent in the flooded conversation, are not held back.
    expect((await visitorSays(await startVisitor(), "hello")).res.status).toBe(201);
    const agent = await signedInAgent();
    expect((await agentSays(agent.cookie, v.conversationId, "We are here")).res.status).toBe(201);
  });

  it("S28: an agent posting faster than their limit gets 429 too, and nothing is stored for it", async () => {
    const agent = await signedInAgent();
    const v = await startVisitor();
    await visitorSays(v, "hi");
    const burst = Number(env.AGENT_MESSAGE_BURST);
    const statuses = [];
    for (let i = 0; i < burst + 10; i++)
      statuses.push((await agentSays(agent.cookie, v.conversationId, `reply ${i}`)).res.status);
    const stored = statuses.filter((s) => s === 201).length;
    expect(statuses).toContain(429);
    expect((await room(v.conversationId).history({ limit: 500 }))!).toHaveLength(stored + 1);
  });

  it("S28: typing frames are forwarded at most about once a second per sender; a flood of frames closes the socket", async () => {
    const agent = await signedInAgent();
    const v = await startVisitor();
    const visitor = await visitorSocket(v);
    const watcher = await agentSocket(agent.cookie, v.conversationId);
    open.push(visitor, watcher);
    for (let i = 0; i < 40; i++) visitor.send({ type: "typing", typing: true });
    await visitorSays(v, "sent after forty typing frames");
    // Frames reach the agent in order: when the message is there, every forwarded typing frame is too.
    await watcher.next("message", (f) => f.message.text === "sent after forty typing frames");
    expect(watcher.frames.filter((f) => f.type === "typing").length).toBeLessThanOrEqual(2);

    for (let i = 0; i < 200; i++) {
      if (visitor.closed) break;
      visitor.send({ type: "typing", typing: i % 2 === 0 });
    }
    await visitor.waitFor(() => visitor.closed !== null, "the flooding socket to close");
    expect(visitor.closed!.code).toBe(CLOSE_TOO_MANY_FRAMES);
  });

  it("S28: a huge subject is cut to 1,000 characters; bidi controls cannot disguise names, subjects or file names", async () => {
    const agent = await signedInAgent();
    const messageId = `<limits-${clientId()}@mail.example.org>`;
    const raw = [
      `From: "Ali\u202Eecno" <limits-${clientId()}@example.org>`,
      "To: support@example.com",
      `Subject: ${"Invoice \u202Efdp.exe ".repeat(400)}`,
      `Message-ID: ${messageId}`,
      "MIME-Version: 1.0",
      'Content-Type: multipart/mixed; boundary="b"',
      "",
      "--b",
      "Content-Type: text/plain; charset=utf-8",
      "",
      "See attached",
      "--b",
      'Content-Type: application/octet-stream; name="x"',
      "Content-Disposition: attachment; filename*=UTF-8''invoice%E2%80%AEfdp.exe",
      "Content-Transfer-Encoding: base64",
      "",
      "aGVsbG8=",
      "--b--",
    ].join("\n");
    await deliver(new TextEncoder().encode(`${raw.replace(/\n/g, "\r\n")}\r\n`));
    const id = (await conversationOf(messageId.slice(1, -1)))!;
    const [message] = (await room(id).history({ limit: 10 }))!;
    const shown = [message!.email!.subject!, message!.author.name!, message!.email!.attachments[0]!.filename];
    for (const text of shown) expect(text).not.toMatch(/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/);
    expect(message!.email!.subject!.length).toBe(MAX_SUBJECT_CHARS);
    expect(message!.email!.attachments[0]!.filename).toBe("invoicefdp.exe");
    expect((await room(id).snapshot())!.conversation.subject!.length).toBe(MAX_SUBJECT_CHARS);
    await expect
      .poll(async () => {
        const res = await call("/api/conversations?limit=100", { cookie: agent.cookie });
        const body = (await res.json()) as { conversations: { id: string; subject: string | null }[] };
        return body.conversations.find((c) => c.id === id)?.subject?.length;
      })
      .toBe(MAX_SUBJECT_CHARS);
  });
});
