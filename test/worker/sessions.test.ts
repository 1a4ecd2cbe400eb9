import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { advanceClock } from "../../src/lib/clock";
import { CLOSE_SESSION_ENDED, CLOSE_SESSION_RENEWED } from "../../src/protocol";
import {
  agentSocket,
  call,
  feedSocket,
  seedAgent,
  signIn,
  signedInAgent,
  startVisitor,
  type TestSocket,
  visitorSays,
  socketsOfEachTest,
} from "./helpers";

const open = socketsOfEachTest();

/** The sockets an agent's open inbox holds: the feed and one conversation. */
async function openInbox(cookie: string, conversationId: string) {
  const sockets = [await feedSocket(cookie), await agentSocket(cookie, conversationId)];
  open.push(...sockets);
  return sockets;
}

async function closedWith(s: TestSocket, code: number) {
  await s.waitFor(() => s.closed !== null, "the socket to close");
  expect(s.closed!.code).toBe(code);
}

describe("sessions end everywhere at once (S9)", () => {
  it("S9: signing out closes that session's feed and conversation sockets, and only those", async () => {
    const agent = await seedAgent();
    const [here, elsewhere] = [await signIn(agent.email, agent.password), await signIn(agent.email, agent.password)];
    const v = await startVisitor();
    await visitorSays(v, "hello");
    const mine = await openInbox(here, v.conversationId);
    const other = await openInbox(elsewhere, v.conversationId);

    expect((await call("/api/auth/sign-out", { method: "POST", cookie: here })).status).toBe(204);
    for (const s of mine) await closedWith(s, CLOSE_SESSION_ENDED);
    // The other session's sockets still carry the conversation: the next message reaches both.
    await visitorSays(v, "still there?");
    for (const s of other) await s.waitFor(() => JSON.stringify(s.frames).includes("still there?"), "the next message");
    expect(other.map((s) => s.closed)).toEqual([null, null]);
    expect(mine.every((s) => !JSON.stringify(s.frames).includes("still there?"))).toBe(true);
  });

  it("S9: deactivating an agent closes every socket of every session they had; nothing reaches them after", async () => {
    const admin = await signedInAgent("admin");
    const agent = await seedAgent();
    const v = await startVisitor();
    await visitorSays(v, "hello");
    const sockets = [
      ...(await openInbox(await signIn(agent.email, agent.password), v.conversationId)),
      ...(await openInbox(await signIn(agent.email, agent.password), v.conversationId)),
    ];

    const res = await call(`/api/agents/${agent.id}`, {
      method: "PATCH",
      cookie: admin.cookie,
      body: { active: false },
    });
    expect(res.status).toBe(200);
    for (const s of sockets) await closedWith(s, CLOSE_SESSION_ENDED);
    const before = sockets.map((s) => s.frames.length);
    const watcher = await agentSocket(admin.cookie, v.conversationId);
    open.push(watcher);
    await visitorSays(v, "after the deactivation");
    await watcher.next("message", (f) => f.message.text === "after the deactivation");
    expect(sockets.map((s) => s.frames.length)).toEqual(before);
  });

  it("S9: a new password closes the agent's other sessions' sockets; this browser's reconnect with its new session", async () => {
    const agent = await seedAgent();
    const [here, elsewhere] = [await signIn(agent.email, agent.password), await signIn(agent.email, agent.password)];
    const v = await startVisitor();
    const mine = await openInbox(here, v.conversationId);
    const other = await openInbox(elsewhere, v.conversationId);
    const res = await call("/api/auth/password", {
      cookie: here,
      body: { currentPassword: agent.password, newPassword: "a-brand-new-password" },
    });
    expect(res.status).toBe(204);
    for (const s of other) await closedWith(s, CLOSE_SESSION_ENDED);
    for (const s of mine) await closedWith(s, CLOSE_SESSION_RENEWED);
  });

  it("S9: a session past its absolute limit loses its sockets when the limit comes, even with the app open", async () => {
    const agent = await signedInAgent();
    const v = await startVisitor();
    const sockets = await openInbox(agent.cookie, v.conversationId);
    const feed = env.INBOX_FEED.getByName("workspace");
    expect(await runDurableObjectAlarm(feed)).toBe(true); // the alarm is set for the session's end, and not due: nothing closes
    expect(sockets.map((s) => s.closed)).toEqual([null, null]);
    advanceClock(Number(env.SESSION_MAX_DAYS) * 86_400_000 + 1);
    await runDurableObjectAlarm(feed);
    for (const s of sockets) await closedWith(s, CLOSE_SESSION_ENDED);
    expect((await call("/api/auth/me", { cookie: agent.cookie })).status).toBe(401);
  });
});
