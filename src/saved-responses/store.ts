import { and, asc, desc, eq, or, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { type ResponseCategory, responseCategories, type SavedResponse, savedResponses } from "../db/schema";
import { now } from "../lib/clock";
import { ApiError } from "../lib/errors";

export async function listCategories(db: Database, includeArchived: boolean): Promise<ResponseCategory[]> {
  return db
    .select()
    .from(responseCategories)
    .where(includeArchived ? undefined : eq(responseCategories.archived, false))
    .orderBy(asc(responseCategories.name));
}

export async function createCategory(db: Database, name: string): Promise<ResponseCategory> {
  const at = now();
  const row: ResponseCategory = {
    id: `rc_${crypto.randomUUID().replace(/-/g, "")}`,
    name: name.trim(),
    archived: false,
    createdAt: at,
    updatedAt: at,
  };
  const inserted = await db.insert(responseCategories).values(row).onConflictDoNothing().returning();
  if (!inserted.length) throw new ApiError(409, "category_exists", `A category named ${row.name} already exists`);
  return row;
}

export async function updateCategory(
  db: Database,
  id: string,
  changes: { name?: string; archived?: boolean },
): Promise<ResponseCategory> {
  try {
    const [row] = await db
      .update(responseCategories)
      .set({ ...changes, ...(changes.name ? { name: changes.name.trim() } : {}), updatedAt: now() })
      .where(eq(responseCategories.id, id))
      .returning();
    if (!row) throw new ApiError(404, "category_not_found", "No category with that id");
    return row;
  } catch (err) {
    if (err instanceof ApiError) throw err;
    if (String(err).includes("UNIQUE"))
      throw new ApiError(409, "category_exists", "A category with that name already exists");
    throw err;
  }
}

export interface ResponseFilters {
  categoryId?: string;
  q?: string;
  archived: boolean;
}

/** Most used first, then by title; search in title and body. */
export async function listResponses(db: Database, f: ResponseFilters): Promise<SavedResponse[]> {
  const where = [eq(savedResponses.archived, f.archived)];
  if (f.categoryId) where.push(eq(savedResponses.categoryId, f.categoryId));
  if (f.q) {
    const pattern = `%${f.q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
    where.push(
      or(
        sql`${savedResponses.title} LIKE ${pattern} ESCAPE '\\'`,
        sql`${savedResponses.body} LIKE ${pattern} ESCAPE '\\'`,
      )!,
    );
  }
  return db
    .select()
    .from(savedResponses)
    .where(and(...where))
    .orderBy(desc(savedResponses.useCount), asc(savedResponses.title))
    .limit(200);
}

async function requireActiveCategory(db: Database, categoryId: string): Promise<void> {
  const category = await db.query.responseCategories.findFirst({ where: eq(responseCategories.id, categoryId) });
  if (!category || category.archived)
    throw new ApiError(400, "invalid_request", "Choose an existing, active category", {
      categoryId: "No such category",
    });
}

export async function createResponse(
  db: Database,
  input: { categoryId: string; title: string; body: string; authorId: string },
): Promise<SavedResponse> {
  await requireActiveCategory(db, input.categoryId);
  const at = now();
  const row: SavedResponse = {
    id: `sr_${crypto.randomUUID().replace(/-/g, "")}`,
    ...input,
    useCount: 0,
    archived: false,
    createdAt: at,
    updatedAt: at,
  };
  await db.insert(savedResponses).values(row);
  return row;
}

export async function updateResponse(
  db: Database,
  id: string,
  changes: { categoryId?: string; title?: string; body?: string; archived?: boolean },
): Promise<SavedResponse> {
  if (changes.categoryId) await requireActiveCategory(db, changes.categoryId);
  const [row] = await db
    .update(savedResponses)
    .set({ ...changes, updatedAt: now() })
    .where(eq(savedResponses.id, id))
    .returning();
  if (!row) throw new ApiError(404, "response_not_found", "No saved response with that id");
  return row;
}

export async function countUse(db: Database, id: string): Promise<void> {
  await db
    .update(savedResponses)
    .set({ useCount: sql`${savedResponses.useCount} + 1` })
    .where(eq(savedResponses.id, id));
}
