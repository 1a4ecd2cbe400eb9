import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * The inbox's counts (S31), one row each: `all`, `unread`, `unassigned`, `mine:<agentId>`, over open
 * conversations. Kept by triggers on `conversations` (migrations/0009), so the statement that writes
 * the index moves them too, atomically; reading the counts reads a handful of rows, whatever the backlog.
 */
export const inboxCounts = sqliteTable("inbox_counts", {
  key: text("key").primaryKey(),
  n: integer("n").notNull().default(0),
});

/** Workspace settings an admin changes (S32's auto-assignment), one row per setting, JSON values. */
export const workspaceSettings = sqliteTable("workspace_settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});
