import { sql } from "drizzle-orm";
import { integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** People known by an email address. Messenger people are deliberately not contacts (S25). */
export const contacts = sqliteTable(
  "contacts",
  {
    id: text("id").primaryKey(),
    /** As the person wrote it; unique regardless of case. */
    email: text("email").notNull(),
    name: text("name"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("contacts_email_unique").on(sql`lower(${t.email})`)],
);

export type Contact = typeof contacts.$inferSelect;
