import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAX_BODY_BYTES } from "../../src/app";
import { call, errorOf, signedInAgent } from "./helpers";

async function snapshot() {
  const agents = await env.DB.prepare("SELECT * FROM agents ORDER BY id").all();
  const sessions = await env.DB.prepare("SELECT * FROM sessions ORDER BY token_hash").all();
  return JSON.stringify([agents.results, sessions.results]);
}

describe("bad input", () => {
  it("S28: malformed JSON gets a 400 saying so, and nothing changes", async () => {
    const admin = await signedInAgent("admin");
    const before = await snapshot();
    const res = await call("/api/agents", {
      cookie: admin.cookie,
      raw: '{"email": "x@example.com", "name": ',
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe("malformed_request");
    expect(error.message).toMatch(/JSON/i);
    expect(await snapshot()).toBe(before);
  });

  it("S28: invalid fields get a 400 naming each field, and nothing changes", async () => {
    const admin = await signedInAgent("admin");
    const before = await snapshot();
    const res = await call("/api/agents", {
      cookie: admin.cookie,
      body: { email: "not-an-email", name: "", role: "owner", password: "short", extra: 1 },
    });
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe("invalid_request");
    expect(Object.keys(error.fields!).sort()).toEqual(["(body)", "email", "name", "password", "role"]);
    expect(error.fields!.password).toBe("Use at least 10 characters");
    expect(await snapshot()).toBe(before);
  });

  it("S28: a body that is not JSON at all is refused with 400", async () => {
    const admin = await signedInAgent("admin");
    const res = await call("/api/agents", {
      cookie: admin.cookie,
      raw: "email=x@example.com",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe("invalid_request");
  });

  it("S28: an oversized body gets a 413 before it is read, and nothing changes", async () => {
    const admin = await signedInAgent("admin");
    const before = await snapshot();
    const res = await call("/api/agents", {
      cookie: admin.cookie,
      body: { email: "big@example.com", name: "x".repeat(MAX_BODY_BYTES), role: "agent", password: "long-enough-pw" },
    });
    expect(res.status).toBe(413);
    expect(await errorOf(res)).toEqual({
      code: "body_too_large",
      message: `Request bodies are limited to ${MAX_BODY_BYTES} bytes`,
    });
    expect(await snapshot()).toBe(before);
  });

  it("S28: an unknown API path is a JSON 404, never the app's HTML", async () => {
    const res = await call("/api/nothing-here");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
    expect((await errorOf(res)).code).toBe("not_found");
  });

  it("S28: errors never carry stack traces", async () => {
    const res = await call("/api/auth/sign-in", { raw: "{", headers: { "content-type": "application/json" } });
    const text = await res.text();
    expect(res.status).toBe(400);
    expect(text).not.toMatch(/at .*\.(ts|js):\d+/);
  });
});
