import { z } from "zod";
import { agentRouter } from "../auth/agent-router";
import { requireAdmin, requireAgent } from "../auth/middleware";
import { ApiError } from "../lib/errors";
import { validate } from "../lib/validate";
import { MAX_QUERY_CHARS, parseQuery } from "./query";
import { resolveFilters, search } from "./search";
import { backfillStep } from "./backfill";

const searchQuery = z
  .strictObject({
    q: z
      .string()
      .trim()
      .min(1, "Type something to search for")
      .max(MAX_QUERY_CHARS, `A search is at most ${MAX_QUERY_CHARS} characters`),
    sort: z.enum(["newest", "relevance"]).default("newest"),
    cursor: z
      .string()
      .regex(/^(\d{1,19}|o\d{1,6})$/, "Not a cursor from a previous page")
      .optional(),
    limit: z.coerce.number().int().min(1).max(50).default(20),
  })
  .refine((q) => !q.cursor || q.cursor.startsWith("o") === (q.sort === "relevance"), {
    message: "Not a cursor of this sort",
    path: ["cursor"],
  });

const backfillBody = z.strictObject({
  /** Start the walk over instead of resuming where the last run stopped. */
  restart: z.boolean().default(false),
  /** Send every item again, not only those the conversations have not confirmed (a new search database). */
  fromStart: z.boolean().default(false),
  limit: z.number().int().min(1).max(200).default(50),
});

/** S41: search every conversation (agents only: notes are found too), and the admins' backfill. */
export const searchRoutes = agentRouter()
  .use(requireAgent)
  .get("/", validate("query", searchQuery), async (c) => {
    const { q, sort, cursor, limit } = c.req.valid("query");
    const parsed = parseQuery(q);
    if (!parsed.ok) throw new ApiError(400, "invalid_query", parsed.message, { q: parsed.message });
    const resolved = await resolveFilters(c.env.DB, parsed.query, c.get("agent").id);
    if (!resolved.ok) throw new ApiError(400, "invalid_query", resolved.message, { q: resolved.message });
    const page = await search(c.env.SEARCH, parsed.query, resolved.filters, { sort, cursor: cursor ?? null, limit });
    return c.json(page);
  })
  /**
   * One step of the backfill (scripts/search-backfill.mjs calls it until `done`): the next conversations
   * of the D1 index each send what the search index lacks. Resumable (the position is kept), idempotent.
   */
  .post("/backfill", requireAdmin, validate("json", backfillBody), async (c) => {
    return c.json(await backfillStep(c.env, c.req.valid("json")));
  });
