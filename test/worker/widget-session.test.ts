import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { widgetOriginAllowed } from "../../src/channels/chat/origins";
import type { Message } from "../../src/protocol";
import {
  call,
  clientId,
  errorOf,
  freshClient,
  indexRow,
  ORIGIN,
  room,
  session,
  SHOP,
  signedIdentity,
  signedInAgent,
  upgradeStatus,
  widget,
} from "./helpers";

async function history(token: string, query = ""): Promise<Message[]> {
  const res = await widget(`/messages${query}`, { token });
  expect(res.status).toBe(200);
  return ((await res.json()) as { messages: Message[] }).messages;
}

async function say(token: string, text: string) {
  const res = await widget("/messages", { token, body: { clientId: clientId(), text } });
  expect(res.status).toBe(201);
}

describe("widget sessions and origins", () => {
  it("S13: WIDGET_ORIGINS entries are exact origins, any port of a host, or *; our own origin always passes", async () => {
    const list = "https://shop.example, http://localhost:*";
    expect(widgetOriginAllowed(list, "https://shop.example")).toBe(true);
    expect(widgetOriginAllowed(list, "http://localhost:3000")).toBe(true);
    expect(widgetOriginAllowed(list, "http://localhost")).toBe(true);
    expect((await widget("/session", { body: {}, origin: ORIGIN })).status).toBe(200);
    for (const origin of [
      "https://shop.example.evil.com",
      "http://shop.example",
      "https://localhost:3000",
      "http://localhost.evil.com",
      "http://localhost:3000x",
    ]) {
      expect(widgetOriginAllowed(list, origin), origin).toBe(false);
    }
    expect(widgetOriginAllowed("", "https://shop.example")).toBe(false);
    expect(widgetOriginAllowed("*", "https://anything.example")).toBe(true);
  });

  it("S13: an allowed site gets CORS headers; a site not on the list gets neither CORS nor a session", async () => {
    const preflight = await call("/api/widget/session", {
      method: "OPTIONS",
      origin: "https://blog.example",
      headers: { "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
    });
    expect(preflight.headers.get("access-control-allow-origin")).toBe("https://blog.example");
    expect(preflight.headers.get("access-control-allow-credentials")).toBeNull();

    const refused = await widget("/session", { body: {}, origin: "https://evil.example", client: freshClient() });
    expect(refused.status).toBe(403);
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();
    expect((await errorOf(refused)).code).toBe("origin_refused");
    const evilPreflight = await call("/api/widget/session", {
      method: "OPTIONS",
      origin: "https://evil.example",
      headers: { "access-control-request-method": "POST" },
    });
    expect(evilPreflight.headers.get("access-control-allow-origin")).toBeNull();

    const ok = await widget("/session", { body: {}, client: freshClient() });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("access-control-allow-origin")).toBe(SHOP);
    expect(ok.headers.get("set-cookie")).toBeNull();
  });

  it("S13: new conversations are rate-limited per client; resuming a device is not", async () => {
    const client = freshClient();
    const first = await session({}, { client });
    const statuses: number[] = [];
    for (let i = 0; i < 35; i++) statuses.push((await widget("/session", { body: {}, client })).status);
    expect(statuses.filter((s) => s === 200).length).toBe(29);
    const refused = await widget("/session", { body: {}, client });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("60");
    expect((await errorOf(refused)).code).toBe("rate_limited");
    // The device already issued still resumes, and another client is unaffected.
    expect((await widget("/session", { body: { deviceId: first.deviceId }, client })).status).toBe(200);
    expect((await widget("/session", { body: {}, client: freshClient() })).status).toBe(200);
  });

  it("S13: typed email addresses are limited per client too; a local wrangler dev (loopback) is not limited", async () => {
    const client = freshClient();
    const v = await session({}, { client });
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++)
      statuses.push(
        (await widget("/contact", { token: v.token, body: { email: `n${i}@example.com` }, client })).status,
      );
    expect(statuses.slice(0, 30).every((s) => s === 200)).toBe(true);
    expect(statuses[30]).toBe(429);
    for (let i = 0; i < 35; i++) expect((await widget("/session", { body: {}, client: "127.0.0.1" })).status).toBe(200);
  });

  it("S14: without `after` the history is the latest page; with it, what follows", async () => {
    const v = await session({}, { client: freshClient() });
    for (const text of ["one", "two", "three"]) await say(v.token, text);
    expect((await history(v.token)).map((m) => m.text)).toEqual(["one", "two", "three"]);
    expect((await history(v.token, "?after=2")).map((m) => m.text)).toEqual(["three"]);
    const resumed = await session({ deviceId: v.deviceId });
    expect(resumed).toMatchObject({ conversationId: v.conversationId, lastSeq: 3, contact: null, identified: false });
  });
});

describe("identify (signed by the host site)", () => {
  it("S14: a verified user keeps one conversation across devices, apart from each device's own", async () => {
    const identity = await signedIdentity({ userId: `user-${crypto.randomUUID()}` });
    const laptop = await session({}, { client: freshClient() });
    const phone = await session({}, { client: freshClient() });
    const onLaptop = await session({ deviceId: laptop.deviceId, identity });
    expect(onLaptop).toMatchObject({ deviceId: laptop.deviceId, identified: true });
    expect(onLaptop.conversationId).not.toBe(laptop.conversationId);
    await say(onLaptop.token, "Written on my laptop");

    const onPhone = await session({ deviceId: phone.deviceId, identity });
    expect(onPhone.conversationId).toBe(onLaptop.conversationId);
    expect((await history(onPhone.token)).map((m) => m.text)).toEqual(["Written on my laptop"]);
    const nowhere = await session({ identity });
    expect(nowhere).toMatchObject({ deviceId: null, conversationId: onLaptop.conversationId });
    // The device's own thread is untouched, and another user gets another conversation.
    expect(await history(phone.token)).toEqual([]);
    const other = await session({ identity: await signedIdentity({ userId: `user-${crypto.randomUUID()}` }) });
    expect(other.conversationId).not.toBe(onLaptop.conversationId);
  });

  it("S9: an unsigned, badly signed or tampered identify is refused and opens nothing", async () => {
    const userId = `user-${crypto.randomUUID()}`;
    const unsigned = await widget("/session", { body: { identity: { userId } } });
    expect(unsigned.status).toBe(400);
    expect((await errorOf(unsigned)).fields).toHaveProperty(["identity.signature"]);

    const wrongKey = await signedIdentity({ userId }, "not-the-workspace-secret");
    const badly = await widget("/session", { body: { identity: wrongKey } });
    expect(badly.status).toBe(401);
    expect((await errorOf(badly)).code).toBe("identity_invalid");

    const signed = await signedIdentity({ userId, email: "me@example.com" });
    for (const tampered of [
      { ...signed, email: "ceo@example.com" },
      { ...signed, userId: "someone-else" },
      { ...signed, name: "Admin" },
    ]) {
      const res = await widget("/session", { body: { identity: tampered } });
      expect(res.status).toBe(401);
    }
    const stray = await env.DB.prepare(
      "SELECT count(*) AS n FROM contacts WHERE lower(email) IN ('me@example.com', 'ceo@example.com')",
    ).first<{ n: number }>();
    expect(stray!.n).toBe(0);
  });

  it("S16: a signed email links the contact as verified, which a typed address cannot replace", async () => {
    const email = `Verified.${crypto.randomUUID().slice(0, 8)}@Example.com`;
    const identity = await signedIdentity({ userId: `user-${crypto.randomUUID()}`, email, name: "Vera Verified" });
    const s = await session({ identity });
    expect(s.contact).toEqual({ email, verified: true });
    await say(s.token, "hello as a signed-in user");

    const agent = await signedInAgent();
    const row = await indexRow(s.conversationId);
    expect(row.contact_verified).toBe(1);
    const listed = await call("/api/conversations?limit=100", { cookie: agent.cookie });
    const mine = ((await listed.json()) as { conversations: { id: string; contact: unknown }[] }).conversations.find(
      (c) => c.id === s.conversationId,
    );
    expect(mine?.contact).toMatchObject({ email, name: "Vera Verified", verified: true });

    const typed = await widget("/contact", {
      token: s.token,
      body: { email: "someone.else@example.com" },
      client: freshClient(),
    });
    expect(typed.status).toBe(409);
    expect((await errorOf(typed)).code).toBe("contact_verified");
    expect((await room(s.conversationId).snapshot())!.conversation.contact).toMatchObject({ email, verified: true });
  });

  it("S9: a socket for an identified user's conversation still refuses foreign origins", async () => {
    const s = await session({ identity: await signedIdentity({ userId: `user-${crypto.randomUUID()}` }) });
    const foreign = await upgradeStatus(`/api/widget/socket?token=${s.token}`, { origin: "https://evil.example" });
    expect(foreign).toBe(403);
    const allowed = await upgradeStatus(`/api/widget/socket?token=${s.token}`, { origin: SHOP });
    expect(allowed).toBe(101);
  });
});
