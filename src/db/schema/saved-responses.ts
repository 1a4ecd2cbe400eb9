import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { agents } from "./agents";

/** S10: categories group saved responses; admins manage them. Archived, never deleted. */
export const responseCategories = sqliteTable(
  "response_categories",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    archived: integer("archived", { mode: "boolean" }).notNull().default(false),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("response_categories_name_unique").on(sql`lower(${t.name})`)],
);

/** S10: reusable texts; archived rather than deleted, so history stays explainable. */
export const savedResponses = sqliteTable(
  "saved_responses",
  {
    id: text("id").primaryKey(),
    categoryId: text("category_id")
      .notNull()
      .references(() => responseCategories.id),
    title: text("title").notNull(),
    body: text("body").notNull(),
    authorId: text("author_id")
      .notNull()
      .references(() => agents.id),
    useCount: integer("use_count").notNull().default(0),
    archived: integer("archived", { mode: "boolean" }).notNull().default(false),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("saved_responses_category_idx").on(t.categoryId, t.archived, t.useCount)],
);

export type ResponseCategory = typeof responseCategories.$inferSelect;
export type SavedResponse = typeof savedResponses.$inferSelect;
