import { asc, eq } from "drizzle-orm";
import { z } from "zod";
import { agentRouter } from "../auth/agent-router";
import { requireAdmin, requireAgent } from "../auth/middleware";
import { database } from "../db/client";
import { labels } from "../db/schema";
import { now } from "../lib/clock";
import { ApiError } from "../lib/errors";
import { validate } from "../lib/validate";
import { plainLabel } from "../protocol";
import { LABEL_ID } from "./store";

const name = z
  .string()
  .trim()
  .min(1, "Required")
  .max(40)
  .transform((v) => plainLabel(v));
const color = z.string().regex(/^#[0-9a-fA-F]{6}$/, "A colour as #rrggbb");
const idParam = z.object({ id: z.string().regex(LABEL_ID, "Not a label id") });

/** S35: every agent reads the labels and applies them; admins define them. Never deleted: archived. */
export const labelRoutes = agentRouter()
  .use(requireAgent)
  .get("/", async (c) => c.json({ labels: await database(c.env.DB).select().from(labels).orderBy(asc(labels.name)) }))
  .post("/", requireAdmin, validate("json", z.strictObject({ name, color })), async (c) => {
    const at = now();
    const row = {
      id: `lb_${crypto.randomUUID().replace(/-/g, "")}`,
      ...c.req.valid("json"),
      archived: false,
      createdAt: at,
      updatedAt: at,
    };
    const [created] = await database(c.env.DB).insert(labels).values(row).onConflictDoNothing().returning();
    if (!created) throw new ApiError(409, "label_exists", `A label named ${row.name} exists already`);
    return c.json({ label: created }, 201);
  })
  .patch(
    "/:id",
    requireAdmin,
    validate("param", idParam),
    validate(
      "json",
      z.strictObject({ name: name.optional(), color: color.optional(), archived: z.boolean().optional() }),
    ),
    async (c) => {
      const [label] = await database(c.env.DB)
        .update(labels)
        .set({ ...c.req.valid("json"), updatedAt: now() })
        .where(eq(labels.id, c.req.valid("param").id))
        .returning();
      if (!label) throw new ApiError(404, "label_not_found", "No label with that id");
      return c.json({ label });
    },
  );
