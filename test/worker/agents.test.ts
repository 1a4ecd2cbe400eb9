import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, errorOf, signedInAgent, signIn } from "./helpers";

const newAgent = (email: string) => ({ email, name: "New Person", role: "agent", password: "a-long-first-password" });

async function agentCount() {
  return ((await env.DB.prepare("SELECT count(*) AS n FROM agents").first()) as { n: number }).n;
}

describe("agent administration", () => {
  it("S9: anonymous callers are refused every agent route", async () => {
    const someone = await signedInAgent();
    const attempts = [
      call("/api/agents"),
      call("/api/agents", { body: newAgent("anon@example.com") }),
      call(`/api/agents/${someone.id}`, { method: "PATCH", body: { active: false } }),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(401);
      expect((await errorOf(res)).code).toBe("unauthenticated");
    }
    expect((await call("/api/auth/me", { cookie: someone.cookie })).status).toBe(200);
  });

  it("S9: agents may list the team but not add, promote or deactivate anyone", async () => {
    const agent = await signedInAgent("agent");
    const before = await agentCount();
    expect((await call("/api/agents", { cookie: agent.cookie })).status).toBe(200);
    const attempts = [
      await call("/api/agents", { cookie: agent.cookie, body: newAgent("sneaky@example.com") }),
      await call(`/api/agents/${agent.id}`, { cookie: agent.cookie, method: "PATCH", body: { role: "admin" } }),
      await call(`/api/agents/${agent.id}`, { cookie: agent.cookie, method: "PATCH", body: { active: false } }),
    ];
    for (const res of attempts) {
      expect(res.status).toBe(403);
      expect((await errorOf(res)).code).toBe("admin_only");
    }
    expect(await agentCount()).toBe(before);
    const me = (await (await call("/api/auth/me", { cookie: agent.cookie })).json()) as { agent: { role: string } };
    expect(me.agent.role).toBe("agent");
  });

  it("S9: an admin adds an agent, who can then sign in; the same email twice (any case) is a 409", async () => {
    const admin = await signedInAgent("admin");
    const email = `new-${Date.now()}@example.com`;
    const res = await call("/api/agents", { cookie: admin.cookie, body: newAgent(email) });
    expect(res.status).toBe(201);
    const { agent } = (await res.json()) as { agent: { id: string; role: string } };
    expect(agent.role).toBe("agent");
    await signIn(email, "a-long-first-password");

    const again = await call("/api/agents", { cookie: admin.cookie, body: newAgent(email.toUpperCase()) });
    expect(again.status).toBe(409);
    expect((await errorOf(again)).code).toBe("email_taken");
  });

  it("S9: an admin changes roles; the change applies to the agent's next request", async () => {
    const admin = await signedInAgent("admin");
    const agent = await signedInAgent("agent");
    const res = await call(`/api/agents/${agent.id}`, {
      cookie: admin.cookie,
      method: "PATCH",
      body: { role: "admin" },
    });
    expect(res.status).toBe(200);
    expect(
      (await call("/api/agents", { cookie: agent.cookie, body: newAgent(`by-promoted-${Date.now()}@example.com`) }))
        .status,
    ).toBe(201);
  });

  it("S9: deactivating an agent ends all of their sessions at once and blocks sign-in", async () => {
    const admin = await signedInAgent("admin");
    const agent = await signedInAgent("agent");
    const secondBrowser = await signIn(agent.email, agent.password);
    const res = await call(`/api/agents/${agent.id}`, {
      cookie: admin.cookie,
      method: "PATCH",
      body: { active: false },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { agent: { active: boolean } }).agent.active).toBe(false);
    for (const cookie of [agent.cookie, secondBrowser]) {
      expect((await call("/api/auth/me", { cookie })).status).toBe(401);
    }
    const left = await env.DB.prepare("SELECT count(*) AS n FROM sessions WHERE agent_id = ?").bind(agent.id).first();
    expect(left).toEqual({ n: 0 });
    expect((await call("/api/auth/sign-in", { body: { email: agent.email, password: agent.password } })).status).toBe(
      401,
    );
  });

  it("S9: an admin's password reset signs the agent out everywhere", async () => {
    const admin = await signedInAgent("admin");
    const agent = await signedInAgent("agent");
    const res = await call(`/api/agents/${agent.id}`, {
      cookie: admin.cookie,
      method: "PATCH",
      body: { password: "reset-by-the-admin" },
    });
    expect(res.status).toBe(200);
    expect((await call("/api/auth/me", { cookie: agent.cookie })).status).toBe(401);
    await signIn(agent.email, "reset-by-the-admin");
    expect((await call("/api/auth/me", { cookie: admin.cookie })).status).toBe(200);
  });

  it("S9: the last active admin cannot be demoted or deactivated", async () => {
    await env.DB.prepare("UPDATE agents SET role = 'agent' WHERE role = 'admin'").run();
    const admin = await signedInAgent("admin");
    for (const body of [{ role: "agent" }, { active: false }]) {
      const res = await call(`/api/agents/${admin.id}`, { cookie: admin.cookie, method: "PATCH", body });
      expect(res.status).toBe(409);
      expect((await errorOf(res)).code).toBe("last_admin");
    }
    expect((await call("/api/auth/me", { cookie: admin.cookie })).status).toBe(200);
    const other = await signedInAgent("admin");
    expect(
      (await call(`/api/agents/${admin.id}`, { cookie: other.cookie, method: "PATCH", body: { role: "agent" } }))
        .status,
    ).toBe(200);
  });

  it("S9: an unknown agent id is a 404, a malformed one a 400", async () => {
    const admin = await signedInAgent("admin");
    const unknown = await call(`/api/agents/${crypto.randomUUID()}`, {
      cookie: admin.cookie,
      method: "PATCH",
      body: { name: "X" },
    });
    expect(unknown.status).toBe(404);
    const malformed = await call("/api/agents/not-an-id", {
      cookie: admin.cookie,
      method: "PATCH",
      body: { name: "X" },
    });
    expect(malformed.status).toBe(400);
    expect((await errorOf(malformed)).fields).toEqual({ id: "Not an agent id" });
  });
});
