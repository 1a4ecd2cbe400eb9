import { afterAll, describe, expect, it } from "vitest";
import { CLOSE_SESSION_ENDED } from "../../src/protocol";
import type { TestSocket } from "../support/test-socket";
import {
  admin,
  agentSocket,
  call,
  clientId,
  feedSocket,
  newAgent,
  postMail,
  rawMail,
  signIn,
  startVisitor,
  visitorSays,
} from "./live";

const open: TestSocket[] = [];
afterAll(() => {
  for (const s of open) s.close();
});

async function inboxSockets(cookie: string, conversationId: string) {
  const sockets = [await feedSocket(cookie), await agentSocket(cookie, conversationId)];
  open.push(...sockets);
  return sockets;
}

/**
 * The server closed the socket: its close frame arrived (CLOSING) — wrangler dev's local proxy holds
 * the TCP connection for about ten seconds more, so the close event itself comes late here; the worker
 * tests check its code (CLOSE_SESSION_ENDED).
 */
async function closedForSession(s: TestSocket) {
  await s.waitFor(() => s.ws.readyState >= WebSocket.CLOSING, "the session's socket to close", 5_000);
  if (s.closed) expect(s.closed.code).toBe(CLOSE_SESSION_ENDED);
}

describe("attacks and races against wrangler dev", () => {
  it("S9: signing out, then deactivation, close every socket of the sessions they end, over real sockets", async () => {
    const agent = await newAgent();
    const second = await signIn(agent.email, agent.password);
    const v = await startVisitor();
    await visitorSays(v, "hello");
    const first = await inboxSockets(agent.cookie, v.conversationId);
    const other = await inboxSockets(second, v.conversationId);

    expect((await call("/api/auth/sign-out", { method: "POST", cookie: agent.cookie })).status).toBe(204);
    for (const s of first) await closedForSession(s);
    expect(other.map((s) => s.closed)).toEqual([null, null]);

    const res = await call(`/api/agents/${agent.id}`, {
      method: "PATCH",
      cookie: await admin(),
      body: { active: false },
    });
    expect(res.status).toBe(200);
    for (const s of other) await closedForSession(s);
    // A new socket with the dead session is refused.
    await expect(feedSocket(second)).rejects.toThrow(/401/);
  });

  it("S19: the same mail delivered twice at the same moment is stored once, in one conversation, from new and known senders", async () => {
    const adminCookie = await admin();
    const known = `known-${clientId()}@example.org`;
    expect(
      (await postMail(rawMail(known, "first contact", { messageId: `${clientId()}@mail.example.org` }))).status,
    ).toBeLessThan(300);
    const senders = [...Array.from({ length: 6 }, (_, i) => `new-${i}-${clientId()}@example.org`), known, known];
    const pairs = senders.map((from) => ({
      from,
      id: `race-${clientId()}@mail.example.org`,
      text: `race ${clientId()}`,
    }));
    const answers = await Promise.all(
      pairs.flatMap((p) => [
        postMail(rawMail(p.from, p.text, { subject: `Race ${p.id}`, messageId: p.id })),
        postMail(rawMail(p.from, p.text, { subject: `Race ${p.id}`, messageId: p.id })),
      ]),
    );
    expect(answers.every((r) => r.status < 300)).toBe(true);

    const list = async () => {
      const res = await call("/api/conversations?limit=100", { cookie: adminCookie });
      return ((await res.json()) as { conversations: { id: string; contact: { email: string } | null }[] })
        .conversations;
    };
    for (const p of pairs) {
      await expect.poll(async () => (await list()).some((c) => c.contact?.email === p.from)).toBe(true);
      const theirs = (await list()).filter((c) => c.contact?.email === p.from);
      if (p.from !== known) expect(theirs, p.from).toHaveLength(1);
      let copies = 0;
      for (const c of theirs) {
        const res = await call(`/api/conversations/${c.id}`, { cookie: adminCookie });
        copies += ((await res.json()) as { messages: { text: string }[] }).messages.filter(
          (m) => m.text === p.text,
        ).length;
      }
      expect(copies, p.from).toBe(1);
    }
  });

  it("S28: a visitor's burst gets 429 with Retry-After over real HTTP, and the server keeps answering", async () => {
    const v = await startVisitor();
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => visitorSays(v, `burst ${i}`)));
    const limited = answers.filter((a) => a.res.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(Number(limited[0]!.res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((await visitorSays(await startVisitor(), "another visitor")).res.status).toBe(201);
  });
});
