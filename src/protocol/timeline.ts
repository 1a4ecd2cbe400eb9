/**
 * The kinds of item a conversation's timeline holds, and every rule that depends on the kind, written
 * once. The conversation object applies them when it records an item; the lists, the widget, email
 * transcripts and search read them from here instead of deciding for themselves.
 *
 * Every kind takes a sequence number (so a client resuming from `after=N` never sees a gap); what
 * differs is who receives it and what it does to the conversation.
 *
 * @example
 * TIMELINE.note.customerSees   // false: a note never reaches the widget, an email or Messenger
 * reachesVisitor({ kind: "reply", channel: "chat" }) // true
 */
export const TIMELINE_KINDS = ["customer", "reply", "note", "event"] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

export interface TimelineRules {
  /**
   * The customer may see it: a chat item reaches the visitor's widget (history and socket), an email
   * or Messenger item went out on its channel, and chat items are carried in email transcripts (S20).
   * False means agents only (S33).
   */
  customerSees: boolean;
  /** Sets a completed conversation back to open (S5). */
  reopens: boolean;
  /** Makes the conversation unread for everyone (S4), unless an agent is reading it. */
  marksUnread: boolean;
  /** Moves the conversation to the top of the list and becomes its preview. */
  movesInList: boolean;
  /** Counts as news for the stale-reply check (S38): a reply begun before it is held. */
  news: boolean;
  /** Indexed for search (S41; notes only for agents). */
  searchable: boolean;
}

export const TIMELINE: Record<TimelineKind, TimelineRules> = {
  /** A visitor's chat message, an inbound email, a Messenger message. */
  customer: { customerSees: true, reopens: true, marksUnread: true, movesInList: true, news: true, searchable: true },
  /** An agent's answer on a channel (or the Page's own, echoed from Messenger). */
  reply: { customerSees: true, reopens: false, marksUnread: false, movesInList: true, news: true, searchable: true },
  /** An internal note: agents only; it only makes things unread for an agent it mentions (S34). */
  note: { customerSees: false, reopens: false, marksUnread: false, movesInList: false, news: true, searchable: true },
  /** Assigned, labelled, snoozed, page changed…: agents only, and it changes nothing else (S33). */
  event: {
    customerSees: false,
    reopens: false,
    marksUnread: false,
    movesInList: false,
    news: false,
    searchable: false,
  },
};

/** What a visitor's widget shows: the customer-facing items of the chat channel (S15). */
export function reachesVisitor(m: { kind: TimelineKind; channel: string | null }): boolean {
  return TIMELINE[m.kind].customerSees && m.channel === "chat";
}

/** What an agent is composing, as the typing frame says: a reply on a channel, or a note. */
export type Composing = "chat" | "email" | "messenger" | "note";

/** An agent's typing reaches the visitor only while they write a chat reply: never a note or an email. */
export function typingReachesVisitor(composing: Composing | undefined): boolean {
  return composing === "chat";
}
