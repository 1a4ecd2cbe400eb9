import { and, eq, inArray } from "drizzle-orm";
import type { Database } from "../db/client";
import { labels } from "../db/schema";
import { ApiError } from "../lib/errors";

export const LABEL_ID = /^lb_[0-9a-f]{32}$/;

/** S35: the ids, if every one names a label that is not archived; a 400 naming the others otherwise. */
export async function usableLabels(db: Database, ids: string[]): Promise<string[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  const found = await db
    .select({ id: labels.id })
    .from(labels)
    .where(and(inArray(labels.id, unique), eq(labels.archived, false)));
  const missing = unique.filter((id) => !found.some((f) => f.id === id));
  if (missing.length) throw new ApiError(400, "unknown_labels", `No such label, or archived: ${missing.join(", ")}`);
  return unique;
}
