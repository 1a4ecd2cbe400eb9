import { sql } from "drizzle-orm";
import { check, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const agentRoles = ["admin", "agent"] as const;
export type AgentRole = (typeof agentRoles)[number];

/** People who answer conversations. Never deleted: deactivated, so their messages keep an author. */
export const agents = sqliteTable(
  "agents",
  {
    id: text("id").primaryKey(),
    /** Stored lower-cased; it is the sign-in name. */
    email: text("email").notNull(),
    name: text("name").notNull(),
    role: text("role", { enum: agentRoles }).notNull().default("agent"),
    /** `pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>`, see src/auth/password.ts. */
    passwordHash: text("password_hash").notNull(),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    /** S32: what the agent chose while an app is open (no app open: offline, whatever this says). */
    availability: text("availability", { enum: ["online", "away"] })
      .notNull()
      .default("online"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("agents_email_unique").on(sql`lower(${t.email})`),
    check("agents_role_check", sql`${t.role} in ('admin', 'agent')`),
  ],
);

export type Agent = typeof agents.$inferSelect;
