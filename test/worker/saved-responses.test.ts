import { describe, expect, it } from "vitest";
import { fillTags, hasTags, splitName } from "../../src/saved-responses/tags";
import { call, clientId, errorOf, signedInAgent, startVisitor, visitorSays } from "./helpers";

async function category(cookie: string, name = `Billing ${Date.now()}-${Math.random()}`) {
  const res = await call("/api/saved-responses/categories", { cookie, body: { name } });
  return { res, category: ((await res.json()) as { category: { id: string; name: string } }).category };
}

describe("saved responses (S10)", () => {
  it("S10: admins manage categories; agents cannot", async () => {
    const admin = await signedInAgent("admin");
    const agent = await signedInAgent("agent");
    const { res, category: c } = await category(admin.cookie, `Shipping ${Date.now()}`);
    expect(res.status).toBe(201);
    expect((await category(admin.cookie, c.name.toUpperCase())).res.status).toBe(409);
    const denied = await call("/api/saved-responses/categories", { cookie: agent.cookie, body: { name: "Mine" } });
    expect(denied.status).toBe(403);
    expect(
      (
        await call(`/api/saved-responses/categories/${c.id}`, {
          cookie: agent.cookie,
          method: "PATCH",
          body: { archived: true },
        })
      ).status,
    ).toBe(403);
    const archived = await call(`/api/saved-responses/categories/${c.id}`, {
      cookie: admin.cookie,
      method: "PATCH",
      body: { archived: true },
    });
    expect(archived.status).toBe(200);
    const list = (await (await call("/api/saved-responses/categories", { cookie: agent.cookie })).json()) as {
      categories: { id: string }[];
    };
    expect(list.categories.map((x) => x.id)).not.toContain(c.id);
  });

  it("S10: agents create, edit, archive and restore responses; lists are by category, searchable, most used first", async () => {
    const admin = await signedInAgent("admin");
    const agent = await signedInAgent("agent");
    const { category: c } = await category(admin.cookie);
    const create = (title: string, body: string) =>
      call("/api/saved-responses", { cookie: agent.cookie, body: { categoryId: c.id, title, body } });
    const a = ((await (await create("Refund policy", "Refunds take 5 days.")).json()) as { response: { id: string } })
      .response;
    const b = ((await (await create("Shipping times", "We ship in 24 h.")).json()) as { response: { id: string } })
      .response;
    await call(`/api/saved-responses/${b.id}/use`, { method: "POST", cookie: agent.cookie });
    const list = async (q = "") =>
      (
        (await (await call(`/api/saved-responses?category=${c.id}${q}`, { cookie: agent.cookie })).json()) as {
          responses: { id: string; title: string; body: string }[];
        }
      ).responses;
    expect((await list()).map((r) => r.id)).toEqual([b.id, a.id]);
    expect((await list("&q=refund")).map((r) => r.id)).toEqual([a.id]);
    expect((await list("&q=100%25")).map((r) => r.id)).toEqual([]);

    const edited = await call(`/api/saved-responses/${a.id}`, {
      cookie: agent.cookie,
      method: "PATCH",
      body: { body: "Refunds take 3 days." },
    });
    expect(((await edited.json()) as { response: { body: string } }).response.body).toBe("Refunds take 3 days.");
    await call(`/api/saved-responses/${a.id}`, { cookie: agent.cookie, method: "PATCH", body: { archived: true } });
    expect((await list()).map((r) => r.id)).toEqual([b.id]);
    expect((await list("&archived=true")).map((r) => r.id)).toEqual([a.id]);
    await call(`/api/saved-responses/${a.id}`, { cookie: agent.cookie, method: "PATCH", body: { archived: false } });
    expect((await list()).map((r) => r.id).sort()).toEqual([a.id, b.id].sort());
    expect(
      await call(`/api/saved-responses/${a.id}`, { cookie: agent.cookie, method: "DELETE" }).then((r) => r.status),
    ).toBe(404);
  });

  it("S28: bad saved-response input gets clear 400s and stores nothing", async () => {
    const agent = await signedInAgent();
    const res = await call("/api/saved-responses", {
      cookie: agent.cookie,
      body: { categoryId: "rc_nope", title: "", body: "x".repeat(5001) },
    });
    expect(res.status).toBe(400);
    expect(Object.keys((await errorOf(res)).fields!).sort()).toEqual(["body", "categoryId", "title"]);
    const missing = await call("/api/saved-responses", {
      cookie: agent.cookie,
      body: { categoryId: `rc_${"0".repeat(32)}`, title: "T", body: "B" },
    });
    expect(missing.status).toBe(400);
    expect((await call("/api/saved-responses")).status).toBe(401);
  });
});

describe("personalization tags (S12)", () => {
  const values = {
    "contact.first_name": "María",
    "contact.last_name": "López",
    "contact.email": "maria@example.org",
    "agent.name": "Alex Agent",
    "agent.first_name": "Alex",
  };

  it("S12: tags are filled from the contact and the agent; a fallback covers a missing value", () => {
    expect(
      fillTags(
        "Hola {{contact.first_name}} {{ contact.last_name }} — {{agent.first_name}} ({{agent.name}}), {{contact.email}}",
        values,
      ),
    ).toEqual({
      ok: true,
      text: "Hola María López — Alex (Alex Agent), maria@example.org",
    });
    expect(fillTags("Hi {{contact.first_name | there}}!", { ...values, "contact.first_name": null })).toEqual({
      ok: true,
      text: "Hi there!",
    });
  });

  it("S12: an unknown tag, or a tag with no value and no fallback, is an error, never sent raw", () => {
    expect(fillTags("Hi {{contact.nickname}}", values)).toEqual({
      ok: false,
      problems: ["Unknown tag {{contact.nickname}}"],
    });
    const missing = fillTags("Hi {{contact.first_name}}", {});
    expect(missing.ok).toBe(false);
    expect((missing as { problems: string[] }).problems[0]).toMatch(/no value .* no fallback/);
    expect(hasTags("Hi {{ whatever }}")).toBe(true);
    expect(hasTags("Hi {not a tag}")).toBe(false);
    expect(splitName("María José García")).toEqual({ first: "María", last: "José García" });
  });

  it("S12: the API refuses a reply that still carries a tag, and stores nothing", async () => {
    const agent = await signedInAgent();
    const v = await startVisitor();
    await visitorSays(v, "hi");
    const res = await call(`/api/conversations/${v.conversationId}/messages`, {
      cookie: agent.cookie,
      body: { clientId: clientId(), channel: "chat", text: "Hi {{contact.first_name}}" },
    });
    expect(res.status).toBe(422);
    expect((await errorOf(res)).code).toBe("unfilled_tags");
  });
});
