import { describe, expect, it } from "vitest";
import { baseUrl, call, demo, signIn } from "./live";

describe("npm start, over real HTTP", () => {
  it("S9: the printed demo admin and agent sign in; the session cookie is HttpOnly, Secure, SameSite=Lax", async () => {
    for (const role of ["admin", "agent"] as const) {
      const { email, password } = demo(role);
      const res = await call("/api/auth/sign-in", { body: { email, password } });
      expect(res.status).toBe(200);
      const cookie = res.headers.get("set-cookie")!;
      expect(cookie).toMatch(/^__Host-session=[^;]+; Max-Age=\d+; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
      const me = await call("/api/auth/me", { cookie: cookie.split(";")[0] });
      expect(((await me.json()) as { agent: { role: string } }).agent.role).toBe(role);
    }
  });

  it("S9: the API reveals nothing without a session", async () => {
    for (const path of ["/api/auth/me", "/api/agents"]) {
      const res = await call(path);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: { code: "unauthenticated", message: "Sign in first" } });
    }
  });

  it("S9: a sign-out posted from another site is refused and the session survives", async () => {
    const cookie = await signIn(demo("agent").email, demo("agent").password);
    const res = await call("/api/auth/sign-out", { method: "POST", cookie, origin: "https://evil.example" });
    expect(res.status).toBe(403);
    expect((await call("/api/auth/me", { cookie })).status).toBe(200);
  });

  it("S9: the app's pages carry a strict Content-Security-Policy and no-framing headers", async () => {
    for (const path of ["/", "/conversations/some-id"]) {
      const res = await call(path);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/text\/html/);
      const csp = res.headers.get("content-security-policy")!;
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain("unsafe-inline");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(await res.text()).toContain('<script type="module" src="/build/inbox.js">');
    }
    const script = await call("/build/inbox.js");
    expect(script.status).toBe(200);
    expect(script.headers.get("content-type")).toMatch(/javascript/);
  });

  it("S28: an oversized body is refused with 413 by the running server", async () => {
    const res = await call("/api/auth/sign-in", { body: { email: "a@example.com", password: "x".repeat(200_000) } });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("body_too_large");
  });

  it("S28: unknown API paths are JSON 404s while other paths fall back to the app", async () => {
    const api = await call("/api/does-not-exist");
    expect(api.status).toBe(404);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe("not_found");
    expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});
