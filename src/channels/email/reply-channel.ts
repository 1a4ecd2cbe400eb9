import { EmailMessage } from "cloudflare:email";
import type { OutboundChannel } from "../../conversation/stub";
import { now } from "../../lib/clock";
import { type Message, TIMELINE, typedAddress } from "../../protocol";
import { buildReply } from "./outbound";
import { replyAddress } from "./reply-address";

/** How many Message-IDs a reply's References header carries: the first and the most recent ones. */
const MAX_REFERENCES = 20;

/** The email messages of a thread before `seq` (all of them without it). */
function emailsBefore(thread: Message[], seq = Number.MAX_SAFE_INTEGER): Message[] {
  return thread.filter((m) => m.channel === "email" && m.seq < seq);
}

/**
 * S20, S21: what an email reply at `seq` carries below it — the chat the customer saw since the
 * conversation's last email (TIMELINE's `customerSees`: never a note or an event).
 */
export function transcriptFor(thread: Message[], seq: number): Message[] {
  const lastEmailSeq = emailsBefore(thread, seq).at(-1)?.seq ?? 0;
  return thread.filter(
    (m) => m.channel === "chat" && TIMELINE[m.kind].customerSees && m.seq > lastEmailSeq && m.seq < seq,
  );
}

function subjectOf(emails: Message[], fallback: string): string {
  const base = emails.at(-1)?.email?.subject ?? fallback;
  return /^re:/i.test(base) ? base : `Re: ${base}`;
}

/**
 * S20: an agent's email reply. It goes to the contact's address (never to a Reply-To of the mail we
 * received), with our Message-ID, In-Reply-To and References of the thread, a signed reply address,
 * and below the reply the chat since the conversation's last email (`transcriptFor`).
 */
export const emailReplies: OutboundChannel = {
  refusal: (conversation) => (conversation.contact?.email ? null : "No email address is known for this conversation."),

  details: ({ env, conversation, messageId, thread }) => ({
    subject: subjectOf(emailsBefore(thread), conversation.subject ?? `Your conversation with ${env.SUPPORT_NAME}`),
    from: env.SUPPORT_ADDRESS,
    to: [conversation.contact!.email],
    messageId: `${messageId}@${env.REPLY_DOMAIN}`,
    quoted: null,
    html: false,
    remoteImages: false,
    attachments: [],
    senderVerified: null,
    autoReply: false,
  }),

  async send({ env, conversation, message, thread }) {
    const to = conversation.contact!.email;
    const messageId = message.email?.messageId ?? `${message.id}@${env.REPLY_DOMAIN}`;
    const emails = emailsBefore(thread, message.seq);
    const ids = emails.map((m) => m.email?.messageId).filter((id): id is string => !!id);
    const references = ids.length > MAX_REFERENCES ? [ids[0]!, ...ids.slice(-(MAX_REFERENCES - 1))] : ids;
    const lastInbound = emails.findLast((m) => m.kind === "customer" && m.email?.messageId);
    // Recorded before sending, so a bounce that comes back at once finds the reply it bounces.
    await env.DB.prepare(
      "INSERT INTO email_messages (message_id, conversation_id, direction, conversation_message_id, created_at) VALUES (?, ?, 'outbound', ?, ?) ON CONFLICT DO NOTHING",
    )
      .bind(messageId, conversation.id, message.id, now())
      .run();
    try {
      const raw = buildReply({
        from: { name: env.SUPPORT_NAME, address: env.SUPPORT_ADDRESS },
        to: { name: conversation.contact?.name ?? null, address: to },
        replyTo: await replyAddress(env.EMAIL_REPLY_SECRET, conversation.id, env.REPLY_DOMAIN),
        subject: message.email?.subject ?? subjectOf(emails, env.SUPPORT_NAME),
        messageId,
        inReplyTo: lastInbound?.email?.messageId ?? null,
        references,
        text: message.text,
        transcript: transcriptFor(thread, message.seq),
        agentName: message.author.name ?? env.SUPPORT_NAME,
        typedAddress: typedAddress(conversation),
      });
      await env.SEND_EMAIL.send(new EmailMessage(env.SUPPORT_ADDRESS, to, raw));
      return { ok: true };
    } catch (err) {
      return { ok: false, reason: `The email could not be sent: ${err instanceof Error ? err.message : String(err)}` };
    }
  },
};
