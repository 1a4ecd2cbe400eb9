import { desc, eq, isNotNull, isNull } from "drizzle-orm";
import { z } from "zod";
import { agentRouter } from "../../auth/agent-router";
import { requireAgent } from "../../auth/middleware";
import { conversationIdSchema, messageIdSchema } from "../../conversation/stub";
import { database } from "../../db/client";
import { mailSetAside } from "../../db/schema";
import { ApiError } from "../../lib/errors";
import { validate } from "../../lib/validate";
import { mailKey } from "./mail-keys";
import { plainLabel } from "../../protocol";
import { sanitizeHtml } from "./sanitize";
import { dismiss, makeConversation } from "./set-aside";

const setAsideId = z.object({ id: z.uuid("Not a set-aside id") });

const messageParams = z.object({ conversationId: conversationIdSchema, messageId: messageIdSchema });

/**
 * S22 for agents: a mail's sanitised HTML (for an `<iframe sandbox>`), its attachments, and the mail
 * set aside because it could not be placed.
 */
export const mailRoutes = agentRouter()
  .use(requireAgent)
  .get(
    "/set-aside",
    validate("query", z.strictObject({ dismissed: z.enum(["true", "false"]).default("false") })),
    async (c) => {
      const dismissed = c.req.valid("query").dismissed === "true";
      const rows = await database(c.env.DB)
        .select()
        .from(mailSetAside)
        .where(dismissed ? isNotNull(mailSetAside.dismissedAt) : isNull(mailSetAside.dismissedAt))
        .orderBy(desc(mailSetAside.receivedAt))
        .limit(200);
      return c.json({ mail: rows.map(({ rawKey: _, ...r }) => r) });
    },
  )
  .post("/set-aside/:id/conversation", validate("param", setAsideId), async (c) => {
    return c.json({ conversationId: await makeConversation(c.env, c.req.valid("param").id) }, 201);
  })
  .post("/set-aside/:id/dismiss", validate("param", setAsideId), async (c) => {
    await dismiss(c.env, c.req.valid("param").id);
    return c.body(null, 204);
  })
  .get("/set-aside/:id/raw", validate("param", setAsideId), async (c) => {
    const row = await database(c.env.DB).query.mailSetAside.findFirst({
      where: eq(mailSetAside.id, c.req.valid("param").id),
    });
    const raw = row ? await c.env.MAIL.get(row.rawKey) : null;
    if (!raw) throw new ApiError(404, "not_found", "No such set-aside mail");
    return c.body(raw.body, 200, {
      "content-type": "message/rfc822",
      "content-disposition": `attachment; filename="set-aside-${row!.id}.eml"`,
      "x-content-type-options": "nosniff",
      "cache-control": "private, no-store",
    });
  })
  .get(
    "/:conversationId/:messageId/html",
    validate("param", messageParams),
    validate("query", z.object({ images: z.enum(["0", "1"]).default("0") })),
    async (c) => {
      const { conversationId, messageId } = c.req.valid("param");
      const body = await c.env.MAIL.get(mailKey(conversationId, messageId, "body.html"));
      if (!body) throw new ApiError(404, "not_found", "This message has no HTML body");
      const images = c.req.valid("query").images === "1";
      // Cleaned again as it is served, so HTML stored by an older sanitiser is held to today's rules; remote
      // images stay blocked until the agent asks (S22).
      const { html } = await sanitizeHtml(await body.text(), { images });
      return c.body(html, 200, {
        "content-type": "text/html; charset=utf-8",
        "content-security-policy": `default-src 'none'; style-src 'unsafe-inline'; img-src data:${images ? " https: http:" : ""}; sandbox`,
        "x-content-type-options": "nosniff",
        "cache-control": "private, no-store",
      });
    },
  )
  .get(
    "/:conversationId/:messageId/attachments/:index",
    validate("param", messageParams.extend({ index: z.coerce.number().int().min(0).max(999) })),
    async (c) => {
      const { conversationId, messageId, index } = c.req.valid("param");
      const file = await c.env.MAIL.get(mailKey(conversationId, messageId, `attachments/${index}`));
      if (!file) throw new ApiError(404, "not_found", "No such attachment");
      const name = plainLabel(file.customMetadata?.filename ?? `attachment-${index}`).replace(/["\r\n]/g, "_");
      return c.body(file.body, 200, {
        "content-type": file.httpMetadata?.contentType ?? "application/octet-stream",
        "content-disposition": `attachment; filename="${name.replace(/[^\x20-\x7e]/g, "_")}"; filename*=UTF-8''${encodeURIComponent(name)}`,
        "content-security-policy": "default-src 'none'; sandbox",
        "x-content-type-options": "nosniff",
        "cache-control": "private, no-store",
      });
    },
  );
