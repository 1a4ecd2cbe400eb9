import { z } from "zod";
import { agentRouter } from "../auth/agent-router";
import { requireAdmin, requireAgent } from "../auth/middleware";
import { database } from "../db/client";
import { validate } from "../lib/validate";
import {
  countUse,
  createCategory,
  createResponse,
  listCategories,
  listResponses,
  updateCategory,
  updateResponse,
} from "./store";

const title = z.string().trim().min(1, "Required").max(120);
const body = z.string().trim().min(1, "Required").max(5000);
const categoryName = z.string().trim().min(1, "Required").max(60);
const categoryId = z.string().regex(/^rc_[0-9a-f]{32}$/, "Not a category id");
const responseId = z.object({ id: z.string().regex(/^sr_[0-9a-f]{32}$/, "Not a saved response id") });
const categoryParam = z.object({ id: categoryId });
const atLeastOne = (v: object) => Object.keys(v).length > 0;

/**
 * S10 and S9's table: every agent lists, creates, edits, archives and restores saved responses; only
 * admins manage categories. Nothing is deleted.
 */
export const savedResponseRoutes = agentRouter()
  .use(requireAgent)
  .get(
    "/",
    validate(
      "query",
      z.strictObject({
        category: categoryId.optional(),
        q: z.string().max(100).optional(),
        archived: z.enum(["true", "false"]).default("false"),
      }),
    ),
    async (c) => {
      const q = c.req.valid("query");
      const responses = await listResponses(database(c.env.DB), {
        categoryId: q.category,
        q: q.q?.trim() || undefined,
        archived: q.archived === "true",
      });
      return c.json({ responses });
    },
  )
  .post("/", validate("json", z.strictObject({ categoryId, title, body })), async (c) => {
    const response = await createResponse(database(c.env.DB), { ...c.req.valid("json"), authorId: c.get("agent").id });
    return c.json({ response }, 201);
  })
  .patch(
    "/:id",
    validate("param", responseId),
    validate(
      "json",
      z
        .strictObject({
          categoryId: categoryId.optional(),
          title: title.optional(),
          body: body.optional(),
          archived: z.boolean().optional(),
        })
        .refine(atLeastOne, "Send at least one change"),
    ),
    async (c) =>
      c.json({ response: await updateResponse(database(c.env.DB), c.req.valid("param").id, c.req.valid("json")) }),
  )
  .post("/:id/use", validate("param", responseId), async (c) => {
    await countUse(database(c.env.DB), c.req.valid("param").id);
    return c.body(null, 204);
  })
  .get(
    "/categories",
    validate("query", z.strictObject({ archived: z.enum(["true", "false"]).default("false") })),
    async (c) =>
      c.json({ categories: await listCategories(database(c.env.DB), c.req.valid("query").archived === "true") }),
  )
  .post("/categories", requireAdmin, validate("json", z.strictObject({ name: categoryName })), async (c) =>
    c.json({ category: await createCategory(database(c.env.DB), c.req.valid("json").name) }, 201),
  )
  .patch(
    "/categories/:id",
    requireAdmin,
    validate("param", categoryParam),
    validate(
      "json",
      z
        .strictObject({ name: categoryName.optional(), archived: z.boolean().optional() })
        .refine(atLeastOne, "Send at least one change"),
    ),
    async (c) =>
      c.json({ category: await updateCategory(database(c.env.DB), c.req.valid("param").id, c.req.valid("json")) }),
  );
