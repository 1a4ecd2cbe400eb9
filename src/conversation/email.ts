import { EmailMessage } from "cloudflare:email";
import { buildReply } from "../channels/email/outbound";
import { replyAddress } from "../channels/email/reply-address";
import type { Env } from "../env";
import { now } from "../lib/clock";
import type { Author, Message } from "../protocol";
import type { Reply, RoomAccess } from "./room-access";
import { listMessages, messageByClientId, messageByExternalId, messageById, type NewMessage, newMessageId, setMessageStatus } from "./storage";

/** How many Message-IDs a reply's References header carries: the first and the most recent ones. */
const MAX_REFERENCES = 20;

/** Stores an inbound email once per Message-ID (or raw-bytes hash). Returns the message, or null for a repeat. */
export function ingestEmailMessage(room: RoomAccess, input: NewMessage & { externalId: string }): Message | null {
  if (messageByExternalId(room.sql, room.id, input.externalId)) return null;
  return room.record(input);
}

/** S23: a permanent bounce of one of our replies marks it failed, with the reason. */
export function markBounced(room: RoomAccess, messageId: string, reason: string): Message | null {
  const m = messageById(room.sql, room.id, messageId);
  if (!m || m.direction !== "outbound" || m.channel !== "email") return null;
  const changed = setMessageStatus(room.sql, room.id, m.seq, "failed", reason);
  if (changed) room.statusChanged(changed);
  return changed;
}

/**
 * S20: an agent's email reply. It goes to the contact's address (never to a Reply-To of the mail we
 * received), with our Message-ID, In-Reply-To and References of the thread, a signed reply address,
 * and below the reply the chat messages exchanged since the conversation's last email.
 */
export async function sendEmailReply(room: RoomAccess, env: Env, input: { clientId: string; text: string; author: Author }): Promise<Reply> {
  const s = room.state();
  const to = s.contact?.email;
  if (!to) return { ok: false, reason: "No email address is known for this conversation." };
  const earlier = messageByClientId(room.sql, room.id, input.clientId);
  if (earlier && earlier.status !== "failed") return { ok: true, message: earlier, duplicate: true };

  const thread = listMessages(room.sql, room.id, { after: 0, limit: 100_000 });
  const emails = thread.filter((m) => m.channel === "email" && m.id !== earlier?.id);
  const lastEmail = emails.at(-1);
  const transcript = thread.filter((m) => m.channel === "chat" && m.seq > (lastEmail?.seq ?? 0) && (!earlier || m.seq < earlier.seq));
  const ids = emails.map((m) => m.email?.messageId).filter((id): id is string => !!id);
  const references = ids.length > MAX_REFERENCES ? [ids[0]!, ...ids.slice(-(MAX_REFERENCES - 1))] : ids;
  const lastInbound = [...emails].reverse().find((m) => m.direction === "inbound" && m.email?.messageId);
  const baseSubject = lastEmail?.email?.subject ?? s.subject ?? `Your conversation with ${env.SUPPORT_NAME}`;
  const subject = /^re:/i.test(baseSubject) ? baseSubject : `Re: ${baseSubject}`;

  const id = earlier?.id ?? newMessageId();
  const messageId = `${id}@${env.REPLY_DOMAIN}`;
  const details = { subject, from: env.SUPPORT_ADDRESS, to: [to], messageId, quoted: null, html: false, remoteImages: false, attachments: [], senderVerified: null, autoReply: false };
  let message: Message;
  if (earlier) {
    message = setMessageStatus(room.sql, room.id, earlier.seq, "sending") ?? earlier;
    room.statusChanged(message);
  } else {
    message = room.record({ id, clientId: input.clientId, channel: "email", direction: "outbound", author: input.author, text: input.text, status: "sending", email: details });
  }
  // Recorded before sending, so a bounce that comes back at once finds the reply it bounces.
  await env.DB.prepare(
    "INSERT INTO email_messages (message_id, conversation_id, direction, conversation_message_id, created_at) VALUES (?, ?, 'outbound', ?, ?) ON CONFLICT DO NOTHING",
  )
    .bind(messageId, room.id, id, now())
    .run();

  let failure: string | null = null;
  try {
    const raw = buildReply({
      from: { name: env.SUPPORT_NAME, address: env.SUPPORT_ADDRESS },
      to: { name: s.contact?.name ?? null, address: to },
      replyTo: await replyAddress(env.EMAIL_REPLY_SECRET, room.id, env.REPLY_DOMAIN),
      subject,
      messageId,
      inReplyTo: lastInbound?.email?.messageId ?? null,
      references,
      text: input.text,
      transcript,
      agentName: input.author.name ?? env.SUPPORT_NAME,
    });
    await env.SEND_EMAIL.send(new EmailMessage(env.SUPPORT_ADDRESS, to, raw));
  } catch (err) {
    failure = `The email could not be sent: ${err instanceof Error ? err.message : String(err)}`;
  }
  const current = messageById(room.sql, room.id, id)!;
  const changed = failure ? setMessageStatus(room.sql, room.id, current.seq, "failed", failure) : setMessageStatus(room.sql, room.id, current.seq, current.status === "sending" ? "sent" : current.status);
  if (changed) room.statusChanged(changed);
  return { ok: true, message: changed ?? current, duplicate: false };
}
