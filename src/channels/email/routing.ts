import { and, desc, eq, inArray, not } from "drizzle-orm";
import type { Database } from "../../db/client";
import { conversations, emailMessages } from "../../db/schema";
import type { ParsedMail } from "./inbound";
import { conversationFromAddresses } from "./reply-address";

export type Route =
  | { rule: "reply-address" | "in-reply-to" | "references" | "contact"; conversationId: string }
  | { rule: "none" };

/**
 * S18: which conversation an inbound mail joins. (1) a validly signed reply address among the
 * recipients, whoever sent it; (2) In-Reply-To, then References, against every Message-ID we sent or
 * received; (3) only when `byContact`: the sender's contact's latest conversation (any status).
 */
export async function routeMail(db: Database, secret: string, mail: ParsedMail, envelopeTo: string, byContact: string | null): Promise<Route> {
  const recipients = [envelopeTo, ...mail.to.map((a) => a.address), ...mail.cc.map((a) => a.address), ...mail.deliveredTo];
  const signed = await conversationFromAddresses(secret, recipients);
  if (signed) return { rule: "reply-address", conversationId: signed };

  for (const [rule, ids] of [["in-reply-to", mail.inReplyTo], ["references", [...mail.references].reverse()]] as const) {
    if (ids.length === 0) continue;
    const rows = await db.select().from(emailMessages).where(inArray(emailMessages.messageId, ids.slice(0, 50)));
    const byId = new Map(rows.map((r) => [r.messageId, r.conversationId]));
    const hit = ids.map((id) => byId.get(id)).find(Boolean);
    if (hit) return { rule, conversationId: hit };
  }

  if (byContact) {
    // A chat thread linked by an address a visitor typed (unverified, S16) does not collect that person's mail.
    const [latest] = await db
      .select({ id: conversations.id })
      .from(conversations)
      .where(and(eq(conversations.contactId, byContact), not(and(eq(conversations.channel, "chat"), eq(conversations.contactVerified, false))!)))
      .orderBy(desc(conversations.lastMessageAt))
      .limit(1);
    if (latest) return { rule: "contact", conversationId: latest.id };
  }
  return { rule: "none" };
}
