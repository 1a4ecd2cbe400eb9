import { and, eq, isNull } from "drizzle-orm";
import { findOrCreateContact } from "../../contacts/store";
import { database } from "../../db/client";
import { mailSetAside } from "../../db/schema";
import type { Env } from "../../env";
import { now } from "../../lib/clock";
import { sha256Hex } from "../../lib/crypto";
import { ApiError } from "../../lib/errors";
import { plainLabelOrNull } from "../../protocol";
import { newSendersConversation, storeMail } from "./handler";
import { parseInbound } from "./inbound";

async function setAsideRow(env: Env, id: string) {
  const row = await database(env.DB).query.mailSetAside.findFirst({ where: eq(mailSetAside.id, id) });
  if (!row) throw new ApiError(404, "not_found", "No such set-aside mail");
  return row;
}

/**
 * S23: an agent decides a set-aside mail is a conversation after all. Its sender becomes the contact
 * (found or created) and the mail the first message of a new conversation, whatever routing said.
 * Doing it twice gives the same conversation (its id and the message follow from the mail's key).
 */
export async function makeConversation(env: Env, id: string): Promise<string> {
  const row = await setAsideRow(env, id);
  if (row.conversationId) return row.conversationId;
  const raw = await env.MAIL.get(row.rawKey);
  if (!raw) throw new ApiError(404, "not_found", "The raw mail of this entry is gone");
  const bytes = new Uint8Array(await raw.arrayBuffer());
  const mail = await parseInbound(bytes);
  const sender = mail.from?.address ?? row.sender;
  if (!sender) throw new ApiError(422, "no_sender", "This mail names no sender to make a contact of");
  const key = mail.messageId ?? `hash:${await sha256Hex(bytes)}`;
  const contact = await findOrCreateContact(database(env.DB), {
    email: sender,
    name: plainLabelOrNull(mail.from?.name, 200),
  });
  const conversationId = await newSendersConversation(key);
  // Forced: it opens and counts as unread like any new conversation, even an auto-reply.
  await storeMail(env, { mail: { ...mail, kind: "message" }, key, sender }, conversationId, contact);
  await database(env.DB).update(mailSetAside).set({ conversationId }).where(eq(mailSetAside.id, id));
  return conversationId;
}

/** Dismissed: kept, and still downloadable, but no longer listed. */
export async function dismiss(env: Env, id: string): Promise<void> {
  await setAsideRow(env, id);
  await database(env.DB)
    .update(mailSetAside)
    .set({ dismissedAt: now() })
    .where(and(eq(mailSetAside.id, id), isNull(mailSetAside.dismissedAt)));
}
