import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { agents } from "./agents";

/**
 * Signed-in browser sessions. The cookie holds a random token; only its SHA-256 is stored,
 * so a copy of the database does not let anyone sign in.
 */
export const sessions = sqliteTable(
  "sessions",
  {
    tokenHash: text("token_hash").primaryKey(),
    agentId: text("agent_id")
      .notNull()
      .references(() => agents.id),
    createdAt: integer("created_at").notNull(),
    /** Refreshed at most every few minutes, so reads do not turn into writes. */
    lastSeenAt: integer("last_seen_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [index("sessions_agent_idx").on(t.agentId)],
);

export type Session = typeof sessions.$inferSelect;
