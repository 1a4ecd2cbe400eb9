import { and, desc, eq, inArray, not } from "drizzle-orm";
import { contactByEmailQuery, contactEmailIs } from "../../contacts/store";
import type { Database } from "../../db/client";
import { type Contact, contacts, conversations, emailMessages } from "../../db/schema";
import type { ParsedMail } from "./inbound";
import { conversationFromAddresses } from "./reply-address";

export type Route =
  | { rule: "reply-address" | "in-reply-to" | "references" | "contact"; conversationId: string }
  | { rule: "none" };

/** What D1 knows about an inbound mail, read in one round trip (see lookupMail). */
export interface MailLookup {
  /** A mail with this key (Message-ID, or hash of the bytes) was stored before. */
  duplicate: boolean;
  /** The sender's contact, if any. */
  contact: Contact | undefined;
  /** Conversation of each In-Reply-To / References id we sent or received. */
  threads: Map<string, string>;
  /** The sender's contact's latest conversation that collects their mail, if any. */
  contactsLatest: string | null;
}

// Every id is a bound parameter, and D1 allows 100 per statement.
const MAX_IN_REPLY_TO = 20;
const MAX_REFERENCES = 80;

/** The thread ids to look up: In-Reply-To first, then References from the newest. */
function threadIds(mail: ParsedMail): { inReplyTo: string[]; references: string[] } {
  return {
    inReplyTo: mail.inReplyTo.slice(0, MAX_IN_REPLY_TO),
    references: [...mail.references].reverse().slice(0, MAX_REFERENCES),
  };
}

/**
 * Reads, in one D1 batch, whether the mail is a duplicate (S19), the sender's contact, and every
 * candidate conversation routing (S18) may choose from.
 */
export async function lookupMail(db: Database, key: string, mail: ParsedMail, sender: string): Promise<MailLookup> {
  const { inReplyTo, references } = threadIds(mail);
  const [seen, [contact], threads, [latest]] = await db.batch([
    db
      .select({ messageId: emailMessages.messageId })
      .from(emailMessages)
      .where(eq(emailMessages.messageId, key))
      .limit(1),
    contactByEmailQuery(db, sender),
    db
      .select({ messageId: emailMessages.messageId, conversationId: emailMessages.conversationId })
      .from(emailMessages)
      .where(inArray(emailMessages.messageId, [...new Set([...inReplyTo, ...references])])),
    // A chat thread linked by an address a visitor typed (unverified, S16) does not collect that person's mail.
    db
      .select({ id: conversations.id })
      .from(conversations)
      .innerJoin(contacts, eq(contacts.id, conversations.contactId))
      .where(
        and(
          contactEmailIs(sender),
          not(and(eq(conversations.channel, "chat"), eq(conversations.contactVerified, false))!),
        ),
      )
      .orderBy(desc(conversations.lastMessageAt))
      .limit(1),
  ]);
  return {
    duplicate: seen.length > 0,
    contact,
    threads: new Map(threads.map((r) => [r.messageId, r.conversationId])),
    contactsLatest: latest?.id ?? null,
  };
}

/**
 * S18: which conversation an inbound mail joins. (1) a validly signed reply address among the
 * recipients, whoever sent it; (2) In-Reply-To, then References, against every Message-ID we sent or
 * received; (3) only when `byContact`: the sender's contact's latest conversation (any status).
 */
export async function routeMail(
  secret: string,
  mail: ParsedMail,
  envelopeTo: string,
  lookup: MailLookup,
  byContact: boolean,
): Promise<Route> {
  const recipients = [
    envelopeTo,
    ...mail.to.map((a) => a.address),
    ...mail.cc.map((a) => a.address),
    ...mail.deliveredTo,
  ];
  const signed = await conversationFromAddresses(secret, recipients);
  if (signed) return { rule: "reply-address", conversationId: signed };

  const { inReplyTo, references } = threadIds(mail);
  for (const [rule, ids] of [
    ["in-reply-to", inReplyTo],
    ["references", references],
  ] as const) {
    const hit = ids.map((id) => lookup.threads.get(id)).find(Boolean);
    if (hit) return { rule, conversationId: hit };
  }
  if (byContact && lookup.contactsLatest) return { rule: "contact", conversationId: lookup.contactsLatest };
  return { rule: "none" };
}
