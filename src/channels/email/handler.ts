import { eq } from "drizzle-orm";
import { findOrCreateContact } from "../../contacts/store";
import { conversationIdFromKey, conversationStub, newMessageId } from "../../conversation/stub";
import { database } from "../../db/client";
import { type Contact, emailMessages, mailSetAside } from "../../db/schema";
import type { Env } from "../../env";
import { now } from "../../lib/clock";
import { sha256Hex } from "../../lib/crypto";
import { type EmailDetails, MAX_SUBJECT_CHARS, plainLabelOrNull } from "../../protocol";
import { parseInbound, type ParsedMail } from "./inbound";
import { mailKey } from "./mail-keys";
import { lookupMail, routeMail } from "./routing";

/** Email Routing's own limit; anything larger is refused with a reason the sender's server reports. */
export const MAX_MAIL_BYTES = 25 * 1024 * 1024;

/**
 * The worker's `email()` handler (S18–S23). The raw bytes go to R2 first, so nothing is lost whatever
 * happens next; mail that cannot be placed is set aside, with its reason, for agents to see.
 */
export async function receiveEmail(message: ForwardableEmailMessage, env: Env): Promise<void> {
  if (message.rawSize > MAX_MAIL_BYTES) {
    message.setReject(`Message too large: ${message.rawSize} bytes (at most ${MAX_MAIL_BYTES})`);
    return;
  }
  const raw = new Uint8Array(await new Response(message.raw).arrayBuffer());
  const rawKey = `raw/${new Date(now()).toISOString().slice(0, 10)}/${crypto.randomUUID()}.eml`;
  await env.MAIL.put(rawKey, raw, { httpMetadata: { contentType: "message/rfc822" } });

  const db = database(env.DB);
  let mail: ParsedMail;
  try {
    mail = await parseInbound(raw);
  } catch (err) {
    const reason = `could not be parsed: ${err instanceof Error ? err.message : String(err)}`;
    await setAside(env, `hash:${await sha256Hex(raw)}`, rawKey, reason, message.from, null);
    return;
  }
  // S19: the same mail twice is stored once — by Message-ID, or by its bytes when it has none. Two
  // copies delivered at the same moment both pass this early look; what makes them one is that
  // everything they write is keyed by `key` (the conversation a new sender gets, the message in it,
  // the set-aside row), so the second write finds the first.
  const key = mail.messageId ?? `hash:${await sha256Hex(raw)}`;
  const sender = mail.from?.address ?? message.from;
  // S28: what agents read of the sender's own words is cut and cleaned of bidi tricks; R2 keeps the raw mail.
  const subject = plainLabelOrNull(mail.subject, MAX_SUBJECT_CHARS);
  const fromName = plainLabelOrNull(mail.from?.name, 200);
  const lookup = await lookupMail(db, key, mail, sender);
  if (lookup.duplicate) return;

  if (mail.kind === "bounce") return bounce(env, mail, key, rawKey);
  if (mail.kind === "report")
    return setAside(env, key, rawKey, "a report (read receipt, abuse or delivery report)", sender, subject);

  // Auto-replies never create contacts or reopen anything (S23): they only join a thread they answer.
  const known = mail.kind === "message" ? lookup.contact : undefined;
  const route = await routeMail(env.EMAIL_REPLY_SECRET, mail, message.to, lookup, known !== undefined);
  if (route.rule === "none" && mail.kind === "auto-reply")
    return setAside(env, key, rawKey, "an auto-reply to no conversation we know", sender, subject);

  if (route.rule !== "none") return storeMail(env, { mail, key, sender }, route.conversationId, known ?? null);
  const contact = await findOrCreateContact(db, { email: sender, name: fromName });
  await storeMail(env, { mail, key, sender }, await newSendersConversation(key), contact);
}

/** A new sender's conversation: derived from the mail's key, so two copies of one mail meet in it (S19). */
export async function newSendersConversation(key: string): Promise<string> {
  return conversationIdFromKey(await sha256Hex(`mail:${key}`));
}

/** A parsed mail, its key (Message-ID, or hash of the bytes) and its sender (From, else the envelope's). */
export interface KeyedMail {
  mail: ParsedMail;
  key: string;
  sender: string;
}

/**
 * Stores a parsed mail as a customer message of `conversationId` (created if new, with `contact`),
 * once per key: its HTML and attachments in R2, the message in the conversation object, its key in
 * D1 for threading and duplicates.
 */
export async function storeMail(
  env: Env,
  { mail, key, sender }: KeyedMail,
  conversationId: string,
  contact: Contact | null,
): Promise<void> {
  const subject = plainLabelOrNull(mail.subject, MAX_SUBJECT_CHARS);
  const fromName = plainLabelOrNull(mail.from?.name, 200);
  const id = newMessageId();
  const email: EmailDetails = {
    subject,
    from: sender,
    to: mail.to.map((a) => a.address),
    messageId: mail.messageId,
    quoted: mail.quoted,
    html: mail.html !== null,
    remoteImages: mail.hasRemoteImages,
    attachments: mail.attachments.map((a, index) => ({
      index,
      filename: a.filename,
      mimeType: a.mimeType,
      size: a.content.byteLength,
    })),
    senderVerified: mail.auth.trusted,
    autoReply: mail.kind === "auto-reply",
  };
  await Promise.all([
    mail.html === null
      ? null
      : env.MAIL.put(mailKey(conversationId, id, "body.html"), mail.html, {
          httpMetadata: { contentType: "text/html; charset=utf-8" },
        }),
    ...mail.attachments.map((a, index) =>
      env.MAIL.put(mailKey(conversationId, id, `attachments/${index}`), a.content, {
        httpMetadata: { contentType: a.mimeType },
        customMetadata: { filename: a.filename },
      }),
    ),
  ]);
  const text =
    mail.reply ||
    mail.text ||
    (mail.attachments.length ? mail.attachments.map((a) => `[attachment] ${a.filename}`).join("\n") : "(no text)");
  await conversationStub(env, conversationId).receive(
    [
      {
        type: "message",
        message: {
          id,
          externalId: key,
          clientId: null,
          channel: "email",
          author: { kind: "contact", id: contact?.id ?? null, name: fromName ?? sender },
          text,
          email,
          reopens: mail.kind === "message",
          at: now(),
        },
      },
    ],
    {
      id: conversationId,
      channel: "email",
      subject,
      contact: contact
        ? { id: contact.id, name: contact.name, email: contact.email, verified: mail.auth.trusted }
        : null,
    },
  );
  await database(env.DB)
    .insert(emailMessages)
    .values({ messageId: key, conversationId, direction: "inbound", conversationMessageId: id, createdAt: now() })
    .onConflictDoNothing();
}

/** S23: a permanent bounce marks the reply it bounces as failed; a delay notice changes nothing. */
async function bounce(env: Env, mail: ParsedMail, key: string, rawKey: string): Promise<void> {
  const b = mail.bounce;
  const original = b?.originalMessageId
    ? await database(env.DB).query.emailMessages.findFirst({ where: eq(emailMessages.messageId, b.originalMessageId) })
    : undefined;
  if (!b || !original?.conversationMessageId || original.direction !== "outbound") {
    return setAside(
      env,
      key,
      rawKey,
      "a bounce for no reply we know",
      mail.from?.address ?? null,
      plainLabelOrNull(mail.subject, MAX_SUBJECT_CHARS),
    );
  }
  if (!b.permanent) return; // a delay notice: the reply may still arrive
  const reason = `The email bounced${b.recipient ? ` for ${b.recipient}` : ""}${b.reason ? `: ${b.reason}` : ""}`;
  await conversationStub(env, original.conversationId).receive([
    { type: "failed", messageId: original.conversationMessageId, reason },
  ]);
}

/** Sets a mail aside once per key: its row's id is derived from the key, so a second copy is a no-op. */
async function setAside(
  env: Env,
  key: string,
  rawKey: string,
  reason: string,
  sender: string | null,
  subject: string | null,
): Promise<void> {
  await database(env.DB)
    .insert(mailSetAside)
    .values({
      id: uuidFromHex(await sha256Hex(`set-aside:${key}`)),
      rawKey,
      reason,
      sender,
      subject,
      receivedAt: now(),
    })
    .onConflictDoNothing();
}

/** An RFC 9562 version 8 (custom) UUID from 128 bits of a digest. */
function uuidFromHex(h: string): string {
  const variant = ((Number.parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
