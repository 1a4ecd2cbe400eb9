import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { advanceClock, resetClock } from "../../src/lib/clock";
import { call, errorOf, seedAgent, sessionCookie, signedInAgent, signIn } from "./helpers";

afterEach(() => resetClock());

describe("sign-in", () => {
  it("S9: the right password signs in and sets an HttpOnly, Secure, SameSite=Lax __Host- cookie", async () => {
    const agent = await seedAgent("agent");
    const res = await call("/api/auth/sign-in", {
      body: { email: agent.email.toUpperCase(), password: agent.password },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { agent: Record<string, unknown> };
    expect(body.agent).toMatchObject({ email: agent.email, role: "agent", active: true });
    expect(body.agent).not.toHaveProperty("passwordHash");

    const cookie = res.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^__Host-session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).not.toMatch(/Domain=/i);

    const me = await call("/api/auth/me", { cookie: sessionCookie(res) });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { agent: { email: string } }).agent.email).toBe(agent.email);
  });

  it("S9: the session token is stored only as a hash", async () => {
    const agent = await signedInAgent();
    const token = agent.cookie.split("=")[1]!;
    const { results } = await env.DB.prepare("SELECT token_hash FROM sessions WHERE agent_id = ?").bind(agent.id).all();
    expect(results).toHaveLength(1);
    expect(results[0]!.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(results[0]!.token_hash).not.toContain(token);
  });

  it("S9: a wrong password, an unknown email and a deactivated agent all get the same 401", async () => {
    const agent = await seedAgent();
    const wrong = await call("/api/auth/sign-in", { body: { email: agent.email, password: "not-the-password" } });
    const unknown = await call("/api/auth/sign-in", {
      body: { email: "nobody@example.com", password: "whatever-123" },
    });
    await env.DB.prepare("UPDATE agents SET active = 0 WHERE id = ?").bind(agent.id).run();
    const inactive = await call("/api/auth/sign-in", { body: { email: agent.email, password: agent.password } });
    for (const res of [wrong, unknown, inactive]) {
      expect(res.status).toBe(401);
      expect(res.headers.get("set-cookie")).toBeNull();
      expect(await errorOf(res)).toEqual({ code: "invalid_credentials", message: "Wrong email or password" });
    }
  });

  it("S9: sign-in is rate-limited per account, even when the right password finally comes", async () => {
    const agent = await seedAgent();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await call("/api/auth/sign-in", {
        body: { email: agent.email, password: `guess-${i}-xxxxxx` },
        client: `192.0.2.${i + 1}`, // a different client each time: only the account limit applies
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    const right = await call("/api/auth/sign-in", {
      body: { email: agent.email, password: agent.password },
      client: "192.0.2.99",
    });
    expect(right.status).toBe(429);
    expect(right.headers.get("retry-after")).toBe("60");
    expect((await errorOf(right)).code).toBe("rate_limited");
  });

  it("S9: sign-in is rate-limited per client across many accounts", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      const res = await call("/api/auth/sign-in", {
        body: { email: `spray-${i}@example.com`, password: "spray-password" },
        client: "198.51.100.7",
      });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses[20]).toBe(429);
  });
});

describe("sessions", () => {
  it("S9: signing in again rotates the session: the old token stops working", async () => {
    const agent = await seedAgent();
    const first = await signIn(agent.email, agent.password);
    const res = await call("/api/auth/sign-in", {
      body: { email: agent.email, password: agent.password },
      cookie: first,
    });
    const second = sessionCookie(res)!;
    expect(second).not.toBe(first);
    expect((await call("/api/auth/me", { cookie: first })).status).toBe(401);
    expect((await call("/api/auth/me", { cookie: second })).status).toBe(200);
  });

  it("S9: signing out ends the session and clears the cookie", async () => {
    const agent = await signedInAgent();
    const res = await call("/api/auth/sign-out", { method: "POST", cookie: agent.cookie });
    expect(res.status).toBe(204);
    expect(res.headers.get("set-cookie")).toMatch(/^__Host-session=;.*Max-Age=0/);
    expect((await call("/api/auth/me", { cookie: agent.cookie })).status).toBe(401);
  });

  it("S9: a session expires after the idle limit, and is kept alive by use", async () => {
    const idleMs = Number(env.SESSION_IDLE_MINUTES) * 60_000;
    const agent = await signedInAgent();
    advanceClock(idleMs - 60_000);
    expect((await call("/api/auth/me", { cookie: agent.cookie })).status).toBe(200); // refreshes last_seen_at
    advanceClock(idleMs - 60_000);
    expect((await call("/api/auth/me", { cookie: agent.cookie })).status).toBe(200);
    advanceClock(idleMs + 1);
    const res = await call("/api/auth/me", { cookie: agent.cookie });
    expect(res.status).toBe(401);
    const left = await env.DB.prepare("SELECT count(*) AS n FROM sessions WHERE agent_id = ?").bind(agent.id).first();
    expect(left).toEqual({ n: 0 });
  });

  it("S9: a session ends at its absolute limit even when used all along", async () => {
    const agent = await signedInAgent();
    const maxMs = Number(env.SESSION_MAX_DAYS) * 86_400_000;
    const step = (Number(env.SESSION_IDLE_MINUTES) * 60_000) / 2;
    for (let t = 0; t + step < maxMs; t += step) {
      advanceClock(step);
      if ((await call("/api/auth/me", { cookie: agent.cookie })).status !== 200) throw new Error(`ended early at ${t}`);
    }
    advanceClock(step);
    expect((await call("/api/auth/me", { cookie: agent.cookie })).status).toBe(401);
  });

  it("S9: a forged or malformed cookie is refused", async () => {
    for (const cookie of ["__Host-session=forged-token", "__Host-session=", "session=whatever"]) {
      const res = await call("/api/auth/me", { cookie });
      expect(res.status).toBe(401);
      expect((await errorOf(res)).code).toBe("unauthenticated");
    }
  });

  it("S9: changing one's password ends every other session and keeps this browser signed in", async () => {
    const agent = await seedAgent();
    const elsewhere = await signIn(agent.email, agent.password);
    const here = await signIn(agent.email, agent.password);
    const res = await call("/api/auth/password", {
      cookie: here,
      body: { currentPassword: agent.password, newPassword: "a-brand-new-password" },
    });
    expect(res.status).toBe(204);
    const fresh = sessionCookie(res)!;
    expect((await call("/api/auth/me", { cookie: elsewhere })).status).toBe(401);
    expect((await call("/api/auth/me", { cookie: here })).status).toBe(401);
    expect((await call("/api/auth/me", { cookie: fresh })).status).toBe(200);
    expect(
      (await call("/api/auth/sign-in", { body: { email: agent.email, password: "a-brand-new-password" } })).status,
    ).toBe(200);
  });
});

describe("CSRF", () => {
  it("S9: a state-changing request from another origin, or with no origin at all, is refused", async () => {
    const agent = await seedAgent();
    const cookie = await signIn(agent.email, agent.password);
    const attempts = [
      { origin: "https://evil.example" },
      { origin: null },
      { origin: null, headers: { "sec-fetch-site": "cross-site" } },
      { origin: "https://inbox.example.com", headers: { "sec-fetch-site": "same-site" } },
    ];
    for (const a of attempts) {
      const res = await call("/api/auth/sign-out", { method: "POST", cookie, ...a });
      expect(res.status).toBe(403);
      expect((await errorOf(res)).code).toBe("cross_origin_refused");
    }
    const login = await call("/api/auth/sign-in", {
      body: { email: agent.email, password: agent.password },
      origin: "https://evil.example",
    });
    expect(login.status).toBe(403);
    // Nothing above ended the session.
    expect((await call("/api/auth/me", { cookie })).status).toBe(200);
  });

  it("S9: same-origin requests pass with Origin or with Sec-Fetch-Site alone", async () => {
    const agent = await seedAgent();
    const viaFetchSite = await call("/api/auth/sign-in", {
      body: { email: agent.email, password: agent.password },
      origin: null,
      headers: { "sec-fetch-site": "same-origin" },
    });
    expect(viaFetchSite.status).toBe(200);
  });
});
