import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { advanceClock } from "../../src/lib/clock";
import type { AgentStatus } from "../../src/protocol";
import {
  call,
  feedSocket,
  freshClient,
  room,
  session,
  signedInAgent,
  type VisitorSession,
  visitorSays,
  socketsOfEachTest,
} from "./helpers";

const open = socketsOfEachTest();

const feedObject = () => env.INBOX_FEED.getByName("workspace");

async function online(cookie: string) {
  const s = await feedSocket(cookie);
  open.push(s);
  return s;
}

async function setAssignment(cookie: string, mode: "off" | "balanced", capacity = 10) {
  expect((await call("/api/inbox/assignment", { method: "PUT", cookie, body: { mode, capacity } })).status).toBe(200);
}

/** A new visitor's conversation, each from its own client address (new conversations are limited per client). */
async function newVisitor(text = "hello"): Promise<VisitorSession> {
  const v = await session({}, { client: freshClient() });
  await visitorSays(v, text);
  return v;
}

async function newConversation(text = "hello") {
  return (await newVisitor(text)).conversationId;
}

async function assigneeOf(id: string) {
  return (await room(id).snapshot())!.conversation.assignee?.id ?? null;
}

describe("availability (S32)", () => {
  it("S32: an agent with the app open is online or away by choice; closing it, or going silent, makes them offline", async () => {
    const ada = await signedInAgent();
    const watcher = await signedInAgent();
    const theirs = await online(watcher.cookie);
    const mine = await online(ada.cookie);
    const status = () =>
      feedObject()
        .statuses()
        .then((s: Record<string, AgentStatus>) => s[ada.id]);
    expect(await status()).toBe("online");
    expect(
      (await call("/api/auth/me/availability", { method: "PUT", cookie: ada.cookie, body: { status: "away" } })).status,
    ).toBe(200);
    await theirs.next("availability", (f) => f.statuses[ada.id] === "away");
    const team = (await (await call("/api/agents", { cookie: watcher.cookie })).json()) as {
      agents: { id: string; status: AgentStatus }[];
    };
    expect(team.agents.find((a) => a.id === ada.id)?.status).toBe("away");
    expect(
      (await call("/api/auth/me/availability", { method: "PUT", cookie: ada.cookie, body: { status: "busy" } })).status,
    ).toBe(400);

    mine.close();
    await theirs.next("availability", (f) => f.statuses[ada.id] === "offline");
    // A laptop that sleeps sends no close: its silence is noticed by the feed's sweep.
    await online(ada.cookie);
    expect(await status()).toBe("away");
    advanceClock(60_000);
    await runDurableObjectAlarm(feedObject());
    expect(await status()).toBe("offline");
  });
});

describe("balanced auto-assignment (S32)", () => {
  it("S32: with nobody available conversations wait; they drain oldest first, never over capacity", async () => {
    const admin = await signedInAgent("admin");
    await setAssignment(admin.cookie, "balanced", 1);
    const ada = await signedInAgent();
    const waiting = [await newConversation("first"), await newConversation("second")];
    expect(await Promise.all(waiting.map(assigneeOf))).toEqual([null, null]);
    await online(ada.cookie);
    await expect.poll(() => assigneeOf(waiting[0]!)).toBe(ada.id);
    expect(await assigneeOf(waiting[1]!)).toBeNull();
    const events = (await room(waiting[0]!).history({ limit: 10 }))!.filter((m) => m.kind === "event");
    expect(events.map((e) => e.author.kind)).toEqual(["system"]);

    const alex = await signedInAgent();
    await online(alex.cookie);
    await expect.poll(() => assigneeOf(waiting[1]!)).toBe(alex.id);
    // Both at capacity: the next one waits.
    const third = await newConversation("third");
    expect(await assigneeOf(third)).toBeNull();
    await setAssignment(admin.cookie, "off");
  });

  it("S32: away agents get nothing; coming back drains the backlog; a reopened conversation keeps its owner", async () => {
    const admin = await signedInAgent("admin");
    await setAssignment(admin.cookie, "balanced", 5);
    const ada = await signedInAgent();
    await online(ada.cookie);
    await call("/api/auth/me/availability", { method: "PUT", cookie: ada.cookie, body: { status: "away" } });
    const v = await newVisitor();
    const id = v.conversationId;
    expect(await assigneeOf(id)).toBeNull();
    await call("/api/auth/me/availability", { method: "PUT", cookie: ada.cookie, body: { status: "online" } });
    await expect.poll(() => assigneeOf(id)).toBe(ada.id);

    await call(`/api/conversations/${id}/complete`, { method: "POST", cookie: ada.cookie });
    await visitorSays(v, "one more thing");
    expect((await room(id).snapshot())!.conversation).toMatchObject({ status: "open", assignee: { id: ada.id } });
    await setAssignment(admin.cookie, "off");
  });

  it("S32: capacity holds when 50 conversations arrive at once for 3 agents; freed capacity takes the oldest waiting", async () => {
    const admin = await signedInAgent("admin");
    await setAssignment(admin.cookie, "balanced", 10);
    const agents = [await signedInAgent(), await signedInAgent(), await signedInAgent()];
    for (const a of agents) await online(a.cookie);
    const ids = await Promise.all(Array.from({ length: 50 }, (_, i) => newConversation(`burst ${i}`)));
    await expect
      .poll(async () => (await Promise.all(ids.map(assigneeOf))).filter(Boolean).length, { timeout: 10_000 })
      .toBe(30);
    const owners = await Promise.all(ids.map(assigneeOf));
    for (const a of agents) expect(owners.filter((o) => o === a.id)).toHaveLength(10);
    // One completes: the oldest waiting conversation takes its place.
    const done = ids[owners.indexOf(agents[0]!.id)]!;
    await call(`/api/conversations/${done}/complete`, { method: "POST", cookie: agents[0]!.cookie });
    await expect.poll(async () => (await Promise.all(ids.map(assigneeOf))).filter(Boolean).length).toBe(31);
    expect((await Promise.all(ids.map(assigneeOf))).filter((o) => o === agents[0]!.id)).toHaveLength(11);
    await setAssignment(admin.cookie, "off");
  });

  it("S32: only admins change auto-assignment; the setting is validated", async () => {
    const agent = await signedInAgent();
    expect(
      (
        await call("/api/inbox/assignment", {
          method: "PUT",
          cookie: agent.cookie,
          body: { mode: "balanced", capacity: 3 },
        })
      ).status,
    ).toBe(403);
    const admin = await signedInAgent("admin");
    expect(
      (
        await call("/api/inbox/assignment", {
          method: "PUT",
          cookie: admin.cookie,
          body: { mode: "balanced", capacity: 0 },
        })
      ).status,
    ).toBe(400);
    await setAssignment(admin.cookie, "off", 7);
    expect(await (await call("/api/inbox/assignment", { cookie: agent.cookie })).json()).toEqual({
      mode: "off",
      capacity: 7,
    });
  });
});
