import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { findContactByEmail, findOrCreateContact } from "../../src/contacts/store";
import { database } from "../../src/db/client";

describe("contacts store", () => {
  it("S16: find-or-create by email is case-insensitive, keeps the first spelling, and fills a missing name only", async () => {
    const db = database(env.DB);
    const tag = crypto.randomUUID().slice(0, 8);
    const created = await findOrCreateContact(db, { email: `  Ana.${tag}@Example.com ` });
    expect(created).toMatchObject({ email: `Ana.${tag}@Example.com`, name: null });
    const again = await findOrCreateContact(db, { email: `ana.${tag}@example.COM`, name: "Ana" });
    expect(again).toMatchObject({ id: created.id, email: `Ana.${tag}@Example.com`, name: "Ana" });
    const renamed = await findOrCreateContact(db, { email: `ANA.${tag}@EXAMPLE.COM`, name: "Someone Else" });
    expect(renamed.name).toBe("Ana");
    expect((await findContactByEmail(db, `ana.${tag}@example.com`))?.id).toBe(created.id);
  });

  it("S16: concurrent creations of one address make one contact", async () => {
    const db = database(env.DB);
    const email = `race.${crypto.randomUUID().slice(0, 8)}@example.com`;
    const results = await Promise.all(
      [email, email.toUpperCase(), email, email.toUpperCase()].map((e) => findOrCreateContact(db, { email: e })),
    );
    expect(new Set(results.map((c) => c.id)).size).toBe(1);
    const { results: rows } = await env.DB.prepare("SELECT id FROM contacts WHERE lower(email) = ?").bind(email).all();
    expect(rows).toHaveLength(1);
  });
});
