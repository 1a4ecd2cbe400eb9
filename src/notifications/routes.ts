import { and, desc, eq, isNull, lt, or } from "drizzle-orm";
import { z } from "zod";
import { agentRouter } from "../auth/agent-router";
import { requireAgent } from "../auth/middleware";
import { database } from "../db/client";
import { inboxCounts, notificationPrefs, notifications, pushSubscriptions } from "../db/schema";
import { now } from "../lib/clock";
import { ApiError } from "../lib/errors";
import { validate } from "../lib/validate";
import { pushEndpointAllowed } from "./push";
import { prefsOf, prefsSchema } from "./store";

const b64url = (bytes: number) =>
  z
    .string()
    .regex(
      new RegExp(`^[A-Za-z0-9_-]{${Math.floor((bytes * 4) / 3)},${Math.ceil((bytes * 4) / 3) + 2}}$`),
      `${bytes} bytes, base64url`,
    );
const subscriptionBody = z.object({
  endpoint: z.string().url().max(2000),
  keys: z.object({ p256dh: b64url(65), auth: b64url(16) }),
});

const listQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(30),
  cursor: z
    .string()
    .regex(/^\d+:nt_[0-9a-f]{32}$/, "Not a cursor from a previous page")
    .optional(),
});
const idParam = z.object({ id: z.string().regex(/^nt_[0-9a-f]{32}$/, "Not a notification id") });

/** S39: my notifications, newest first, read and unread; my preferences. */
export const notificationRoutes = agentRouter()
  .use(requireAgent)
  .get("/", validate("query", listQuery), async (c) => {
    const me = c.get("agent").id;
    const { limit, cursor } = c.req.valid("query");
    const [t, id] = cursor ? cursor.split(":") : [];
    const db = database(c.env.DB);
    const after = cursor
      ? or(
          lt(notifications.createdAt, Number(t)),
          and(eq(notifications.createdAt, Number(t)), lt(notifications.id, id!)),
        )
      : undefined;
    const [rows, [count]] = await db.batch([
      db
        .select()
        .from(notifications)
        .where(and(eq(notifications.agentId, me), after))
        .orderBy(desc(notifications.createdAt), desc(notifications.id))
        .limit(limit + 1),
      db
        .select()
        .from(inboxCounts)
        .where(eq(inboxCounts.key, `notifications:${me}`)),
    ]);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return c.json({
      notifications: page,
      unread: count?.n ?? 0,
      nextCursor: rows.length > limit && last ? `${last.createdAt}:${last.id}` : null,
    });
  })
  .post("/:id/read", validate("param", idParam), async (c) => {
    const [row] = await database(c.env.DB)
      .update(notifications)
      .set({ readAt: now() })
      .where(
        and(
          eq(notifications.id, c.req.valid("param").id),
          eq(notifications.agentId, c.get("agent").id),
          isNull(notifications.readAt),
        ),
      )
      .returning({ id: notifications.id });
    if (!row) {
      const exists = await database(c.env.DB).query.notifications.findFirst({
        where: and(eq(notifications.id, c.req.valid("param").id), eq(notifications.agentId, c.get("agent").id)),
      });
      if (!exists) throw new ApiError(404, "not_found", "No such notification");
    }
    return c.body(null, 204);
  })
  .post("/read-all", async (c) => {
    await database(c.env.DB)
      .update(notifications)
      .set({ readAt: now() })
      .where(and(eq(notifications.agentId, c.get("agent").id), isNull(notifications.readAt)));
    return c.body(null, 204);
  })
  /** S39: the key browsers subscribe with, and this device's subscription (one per device, replaced on change). */
  .get("/push/key", (c) => c.json({ publicKey: c.env.VAPID_PUBLIC_KEY ?? null }))
  .post("/push/subscriptions", validate("json", subscriptionBody), async (c) => {
    const { endpoint, keys } = c.req.valid("json");
    if (!pushEndpointAllowed(endpoint))
      throw new ApiError(400, "invalid_request", "A push endpoint is an https URL", {
        endpoint: "Not a push service URL",
      });
    await database(c.env.DB)
      .insert(pushSubscriptions)
      .values({ endpoint, agentId: c.get("agent").id, p256dh: keys.p256dh, auth: keys.auth, createdAt: now() })
      .onConflictDoUpdate({
        target: pushSubscriptions.endpoint,
        set: { agentId: c.get("agent").id, p256dh: keys.p256dh, auth: keys.auth },
      });
    return c.body(null, 204);
  })
  /** Removed with a POST: no route of this API deletes with DELETE (S8's guard checks that). */
  .post("/push/subscriptions/remove", validate("json", z.strictObject({ endpoint: z.string().url() })), async (c) => {
    await database(c.env.DB)
      .delete(pushSubscriptions)
      .where(
        and(
          eq(pushSubscriptions.endpoint, c.req.valid("json").endpoint),
          eq(pushSubscriptions.agentId, c.get("agent").id),
        ),
      );
    return c.body(null, 204);
  })
  .get("/preferences", async (c) => c.json((await prefsOf(c.env.DB, [c.get("agent").id])).get(c.get("agent").id)!))
  .put("/preferences", validate("json", prefsSchema), async (c) => {
    const value = JSON.stringify(c.req.valid("json"));
    await database(c.env.DB)
      .insert(notificationPrefs)
      .values({ agentId: c.get("agent").id, value })
      .onConflictDoUpdate({ target: notificationPrefs.agentId, set: { value } });
    return c.json(c.req.valid("json"));
  });
