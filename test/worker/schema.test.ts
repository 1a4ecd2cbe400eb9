import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../src/app";
import { call, signedInAgent } from "./helpers";

async function insertConversation(id: string) {
  await env.DB.prepare(
    "INSERT INTO conversations (id, channel, status, read, last_message_at, created_at) VALUES (?, 'chat', 'open', 0, ?, ?)",
  )
    .bind(id, Date.now(), Date.now())
    .run();
}

describe("conversations cannot be deleted", () => {
  it("S8: the database refuses DELETE on conversations after all migrations have run", async () => {
    await insertConversation("conv-guard-1");
    await insertConversation("conv-guard-2");

    await expect(env.DB.prepare("DELETE FROM conversations WHERE id = ?").bind("conv-guard-1").run()).rejects.toThrow(
      /conversations cannot be deleted/,
    );
    await expect(env.DB.prepare("DELETE FROM conversations").run()).rejects.toThrow(/conversations cannot be deleted/);

    const { results } = await env.DB.prepare(
      "SELECT id FROM conversations WHERE id LIKE 'conv-guard-%' ORDER BY id",
    ).all();
    expect(results.map((r) => r.id)).toEqual(["conv-guard-1", "conv-guard-2"]);
  });

  it("S8: the guard is a trigger on the final conversations table, and every migration file was applied", async () => {
    const trigger = await env.DB.prepare(
      "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name = 'conversations_no_delete'",
    ).first();
    expect(trigger).toEqual({ tbl_name: "conversations" });
    const applied = await env.DB.prepare("SELECT name FROM d1_migrations ORDER BY id").all();
    expect(applied.results.map((r) => r.name)).toEqual(env.TEST_MIGRATIONS.map((m) => m.name));
  });

  it("S31 S34 S35 S39: the triggers that keep the inbox's counts and label rows stand on the final tables", async () => {
    const triggers = await env.DB.prepare(
      "SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger' AND name != 'conversations_no_delete' ORDER BY name",
    ).all();
    expect(triggers.results).toEqual([
      { name: "conversation_labels_update", tbl_name: "conversations" },
      { name: "conversations_counts_insert", tbl_name: "conversations" },
      { name: "conversations_counts_update", tbl_name: "conversations" },
      { name: "notifications_counts_insert", tbl_name: "notifications" },
      { name: "notifications_counts_read", tbl_name: "notifications" },
      { name: "unseen_mentions_delete", tbl_name: "unseen_mentions" },
      { name: "unseen_mentions_insert", tbl_name: "unseen_mentions" },
    ]);
  });

  it("S8: no API route deletes a conversation, not even for an admin", async () => {
    expect(app.routes.filter((r) => r.method === "DELETE")).toEqual([]);
    const id = `c_${"ab".repeat(16)}`;
    await insertConversation(id);
    const admin = await signedInAgent("admin");
    for (const path of [`/api/conversations/${id}`, `/api/conversations/${id}/messages`, "/api/conversations"]) {
      const res = await call(path, { method: "DELETE", cookie: admin.cookie });
      expect(res.status).toBe(404);
    }
    expect(await env.DB.prepare("SELECT id FROM conversations WHERE id = ?").bind(id).first()).toEqual({ id });
  });
});

describe("contacts", () => {
  it("S28: a contact's email is unique regardless of case", async () => {
    const insert = (id: string, email: string) =>
      env.DB.prepare("INSERT INTO contacts (id, email, created_at, updated_at) VALUES (?, ?, 0, 0)")
        .bind(id, email)
        .run();
    await insert("c1", "Maria@Example.com");
    await expect(insert("c2", "maria@example.COM")).rejects.toThrow(/UNIQUE/);
  });
});
