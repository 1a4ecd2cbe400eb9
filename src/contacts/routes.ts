import { eq } from "drizzle-orm";
import { z } from "zod";
import { agentRouter } from "../auth/agent-router";
import { requireAgent } from "../auth/middleware";
import { conversationStub } from "../conversation/stub";
import { database } from "../db/client";
import { contacts, conversations } from "../db/schema";
import { now } from "../lib/clock";
import { ApiError } from "../lib/errors";
import { validate } from "../lib/validate";
import { plainLabel } from "../protocol";

const idParam = z.object({ id: z.string().regex(/^ct_[0-9a-f]{32}$/, "Not a contact id") });
const changes = z.strictObject({ name: z.string().trim().max(200).nullable() });

/** Contacts, for agents. A name an agent gives shows at once in every conversation of the contact. */
export const contactRoutes = agentRouter()
  .use(requireAgent)
  .patch("/:id", validate("param", idParam), validate("json", changes), async (c) => {
    const db = database(c.env.DB);
    const { id } = c.req.valid("param");
    const raw = c.req.valid("json").name;
    const name = raw ? plainLabel(raw) || null : null;
    const [contact] = await db.update(contacts).set({ name, updatedAt: now() }).where(eq(contacts.id, id)).returning();
    if (!contact) throw new ApiError(404, "contact_not_found", "No contact with that id");
    const linked = await db.select({ id: conversations.id }).from(conversations).where(eq(conversations.contactId, id));
    await Promise.all(linked.map((row) => conversationStub(c.env, row.id).renameContact(id, name)));
    return c.json({ contact });
  });
