/**
 * The wire protocol shared by the worker, the inbox app and the widget: the shapes of conversations
 * and messages, and every WebSocket frame in both directions, as discriminated unions on `type`.
 *
 * Types and constants only: what validates them is in ./schemas (zod), which the inbox app never loads.
 * Limits (also checked by the server):
 * - a frame is at most MAX_FRAME_BYTES of UTF-8 text; binary frames are refused;
 * - a message text is 1..MAX_TEXT_CHARS characters after trimming;
 * - client message ids are 8..64 characters of [A-Za-z0-9_-].
 * The literal text frame "ping" is answered "pong" without waking the server (keep-alive).
 */
import type { Composing } from "./timeline";

export type { ClientFrame } from "./schemas";

export * from "./timeline";

export const MAX_FRAME_BYTES = 16 * 1024;
export const MAX_TEXT_CHARS = 5000;
export const PING = "ping";
export const PONG = "pong";
/** Close codes of ours (4000–4999 are free for applications). */
export const CLOSE_STALE = 4001;
/** The agent's session ended (sign-out, deactivation, a new password, expiry): back to sign-in, no reconnect. */
export const CLOSE_SESSION_ENDED = 4003;
/** A socket that sent far more frames than any client of ours would (S28). */
export const CLOSE_TOO_MANY_FRAMES = 4008;
/** The browser's session was replaced by a new one (its own password change): reconnect at once. */
export const CLOSE_SESSION_RENEWED = 4004;
/** How often clients send PING; the server treats a socket silent for ~3 intervals as gone. */
export const PING_INTERVAL_MS = 5_000;

/** The channels a conversation's messages travel on: the one list, used by D1's schema and every route. */
export const CHANNELS = ["chat", "email", "messenger"] as const;
export type Channel = (typeof CHANNELS)[number];
export const CONVERSATION_STATUSES = ["open", "complete"] as const;
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];

/** S28: subjects are cut to this at ingest (the raw mail keeps the whole one). */
export const MAX_SUBJECT_CHARS = 1000;

/**
 * A name, subject or file name as it may be shown: without bidirectional controls (which make
 * "\u202Efdp.svg" read "gvs.pdf") and, with `max`, no longer than that.
 *
 * @example
 * plainLabel("invoice\u202Efdp.exe") // "invoicefdp.exe"
 */
export function plainLabel(text: string, max = Number.MAX_SAFE_INTEGER): string {
  return text.replace(/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, "").slice(0, max);
}

/** `plainLabel` for the labels that may be missing. */
export function plainLabelOrNull(text: string | null | undefined, max?: number): string | null {
  return text == null ? null : plainLabel(text, max);
}

export type AuthorKind = "visitor" | "contact" | "agent" | "system";
export interface Author {
  kind: AuthorKind;
  id: string | null;
  name: string | null;
}

/** What the timeline records besides messages (agents only, S33). */
export type TimelineEvent =
  | { type: "assigned"; to: { id: string; name: string } | null }
  | { type: "labelled"; added: string[]; removed: string[] }
  | { type: "snoozed"; until: number | null }
  | { type: "page_changed"; url: string; title: string | null };

interface TimelineItem {
  id: string;
  conversationId: string;
  /** 1, 2, 3… per conversation, with no gaps: clients resume from the last one they saw. */
  seq: number;
  clientId: string | null;
  author: Author;
  /** For events, how the thread reads it ("Ada assigned this to Alex"). */
  text: string;
  createdAt: number;
  /** "sending" while an external channel (email, Messenger) has not confirmed it yet. */
  status: "sending" | "sent" | "delivered" | "read" | "failed";
  /** Why a failed message failed, in plain words for the agent. */
  error: string | null;
  /** Email messages only: what the thread shows beyond the text. */
  email: EmailDetails | null;
}

/** A customer's message or an agent's reply, on a channel. */
export interface ChannelMessage extends TimelineItem {
  kind: "customer" | "reply";
  channel: Channel;
  direction: "inbound" | "outbound";
}

/** An internal note (S33): agents only. `mentions` are agent ids (S34). */
export interface Note extends TimelineItem {
  kind: "note";
  channel: null;
  direction: "internal";
  mentions: string[];
}

export interface EventItem extends TimelineItem {
  kind: "event";
  channel: null;
  direction: "internal";
  event: TimelineEvent;
}

/** One item of a conversation's timeline; the rules of each kind are in ./timeline. */
export type Message = ChannelMessage | Note | EventItem;

export interface EmailDetails {
  subject: string | null;
  from: string | null;
  to: string[];
  messageId: string | null;
  /** Quoted history folded away from `text` (S22). */
  quoted: string | null;
  /** A sanitised HTML body can be fetched (…/messages/:id/html). */
  html: boolean;
  remoteImages: boolean;
  attachments: { index: number; filename: string; mimeType: string; size: number }[];
  /** Inbound: whether Cloudflare's checks authenticated the sender (S18); null for our own mail. */
  senderVerified: boolean | null;
  /** Auto-replies are shown but do not reopen (S23). */
  autoReply: boolean;
}

export interface ContactRef {
  id: string;
  name: string | null;
  email: string;
  /**
   * Whether this conversation's link to the contact is proven (a signed identity from the host site)
   * rather than an address anyone could have typed into the widget (S16).
   */
  verified: boolean;
}

/**
 * S16: the conversation's address was typed into the chat widget, so nobody proved it (anyone can
 * type anyone's): it is shown as typed, never under the contact's stored name, is not pre-selected
 * for replies, and an email to it says where it came from.
 */
export function typedAddress(c: { channel: Channel; contact: ContactRef | null }): boolean {
  return c.channel === "chat" && c.contact !== null && !c.contact.verified;
}

/** The contact as agents may see it: a typed address carries no stored name (S16). */
export function shownContact(channel: Channel, contact: ContactRef | null): ContactRef | null {
  return contact && typedAddress({ channel, contact }) ? { ...contact, name: null } : contact;
}

/** What the inbox list shows of a conversation. `version` grows with every change: apply newer only. */
export interface ConversationSummary {
  id: string;
  channel: Channel;
  status: ConversationStatus;
  read: boolean;
  contact: ContactRef | null;
  subject: string | null;
  preview: string | null;
  lastMessageAt: number;
  lastInboundAt: number | null;
  createdAt: number;
  version: number;
  /** Sequence number of the newest message. */
  lastSeq: number;
  /** A name for people who are not contacts (Messenger: from their profile, else their id). */
  personName: string | null;
  /** S31: the agent who owns it; null while unassigned. */
  assignee: AgentRef | null;
  /** S35: label ids. */
  labels: string[];
  /** S36: set aside until then (or until the customer writes); null when not snoozed. */
  snoozedUntil: number | null;
}

export interface AgentRef {
  id: string;
  name: string;
}

/** S37: an agent with the conversation open, in a visible tab or in the background, and whether replying. */
export interface Viewer {
  agentId: string;
  name: string;
  state: "viewing" | "background";
  replying: boolean;
}

/** S39: one notice in an agent's list. `seq`: the message it opens at (0: the conversation). */
export interface AgentNotification {
  id: string;
  agentId: string;
  kind: "mentioned" | "assigned" | "unassigned_new" | "customer_message" | "unassigned_message";
  conversationId: string;
  seq: number;
  actor: string | null;
  preview: string | null;
  createdAt: number;
  readAt: number | null;
}

/** S34: a note mentions this agent (a live notice to them). */
export interface MentionNotice {
  conversationId: string;
  seq: number;
  by: AgentRef;
}

/** S32: an agent with an app open is online or away, by their choice; with none, offline. */
export type AgentStatus = "online" | "away" | "offline";

// ---- frames a client sends on a conversation socket (visitor or agent): ./schemas ----

// ---- frames the server sends ----

export type ErrorCode =
  | "malformed_frame"
  | "invalid_frame"
  | "frame_too_large"
  | "binary_not_supported"
  | "not_allowed";

export type ServerFrame =
  /** First frame on a conversation socket; the backlog after `after` follows, then live frames. */
  | {
      type: "welcome";
      conversationId: string;
      lastSeq: number;
      visitorOnline: boolean;
      conversation: ConversationSummary | null;
    }
  | { type: "message"; message: Message }
  | {
      type: "typing";
      conversationId: string;
      who: "visitor" | "agent";
      agentName: string | null;
      typing: boolean;
      composing?: Composing;
    }
  | { type: "presence"; conversationId: string; visitorOnline: boolean }
  /** Agents only: the conversation changed (read, complete, reopened, new message). */
  | { type: "conversation"; conversation: ConversationSummary }
  /** First frame on the inbox feed socket: which conversations have a visitor online now. */
  | { type: "snapshot"; online: string[] }
  /** Agents only: who is viewing and replying in a conversation (S37), whenever it changes. */
  | { type: "viewers"; conversationId: string; viewers: Viewer[] }
  /** To its agent only (S39). */
  | { type: "notification"; notification: AgentNotification }
  /** To the mentioned agent only (S34). */
  | { type: "mention"; mention: MentionNotice }
  /** The team's availability (S32), on connect and whenever it changes. */
  | { type: "availability"; statuses: Record<string, AgentStatus> }
  /** Agents only: a message's delivery status changed (sent, delivered, read, failed). */
  | { type: "status"; conversationId: string; seq: number; status: Message["status"]; error: string | null }
  | { type: "error"; code: ErrorCode; message: string };
