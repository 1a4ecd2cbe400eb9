/**
 * The two doors through which anything enters a conversation's timeline. Every agent-authored item —
 * a reply on any channel (inbox, email, Messenger), a note, an event — goes through `postAsAgent`,
 * which applies every agent rule once. Everything a channel reports — a customer's message from the
 * widget, email or Messenger, an echo, a receipt, a bounce — goes through `receiveFromChannel`, which
 * stores a customer's text exactly as written (S28: a `{{…}}` in a customer's mail is their text).
 */
import type { Env } from "../env";
import { type Author, type Channel, type EmailDetails, type Message, TIMELINE, type TimelineEvent } from "../protocol";
import { hasTags } from "../saved-responses/tags";
import { newMessageId } from "./ids";
import type { OutboundChannels } from "./outbound";
import {
  applyReceipt,
  type ConversationState,
  listMessages,
  messageByClientId,
  messageByExternalId,
  messageById,
  type NewMessage,
  setMessageStatus,
} from "./storage";

/** What the doors may do inside the conversation object. */
export interface RoomHandle {
  sql: SqlStorage;
  id: string;
  env: Env;
  state(): ConversationState;
  /** Stores an item with its kind's rules (and `changes` to the conversation with it), delivers it live and brings the index up to date. */
  record(input: NewMessage, changes?: Record<string, SqlStorageValue>): Message;
  /** S28: takes one message from the author's posting limit; null when allowed, else seconds to wait. */
  limit(author: Author): number | null;
  statusChanged(m: Message): void;
}

/**
 * S38: what the author had seen when they wrote it (`basedOnSeq`), and whether they chose to send
 * anyway (`force`) after being shown what is new.
 */
interface Seen {
  basedOnSeq?: number;
  force?: boolean;
}

export type AgentPost =
  | ({ kind: "reply"; channel: Channel; clientId: string; text: string; author: Author } & Seen)
  | ({ kind: "note"; clientId: string; text: string; author: Author; mentions?: string[] } & Seen)
  | { kind: "event"; event: TimelineEvent; text: string; author: Author };

export type PostResult =
  | { ok: true; message: Message; duplicate: boolean }
  | {
      ok: false;
      code: "unfilled_tags" | "channel_refused" | "client_id_taken" | "rate_limited";
      reason: string;
      retryAfterS?: number;
    }
  /** S38: news arrived that the author had not seen; `newer` is what, to show above the kept draft. */
  | { ok: false; code: "stale"; reason: string; newer: Message[] };

export type ChannelEvent =
  /** A customer's message; stored once per external id (email, Messenger) or client id (widget). */
  | {
      type: "message";
      message: {
        channel: Channel;
        clientId: string | null;
        author: Author;
        text: string;
        externalId?: string;
        at?: number;
        id?: string;
        email?: EmailDetails | null;
        reopens?: boolean;
      };
    }
  /** The channel echoes a reply: ours (matched by our message id) is confirmed, one written elsewhere is recorded. */
  | {
      type: "echo";
      channel: Channel;
      ourMessageId: string | null;
      externalId: string;
      text: string;
      at: number;
      author: Author;
    }
  /** Our replies on the channel up to `watermark` were delivered or read (S27). */
  | { type: "receipt"; channel: Channel; watermark: number; status: "delivered" | "read" }
  /** Our reply could not be delivered (S23: a permanent bounce). */
  | { type: "failed"; messageId: string; reason: string };

/**
 * Per event: the message it stored or touched (null when none), and whether it had been stored before;
 * `retryAfterS` when a visitor's message was refused by their posting limit (S28).
 */
export interface Received {
  message: Message | null;
  duplicate: boolean;
  retryAfterS?: number;
}

const sameAuthor = (a: Author, b: Author) => a.kind === b.kind && a.id === b.id;

function refused(
  code: Exclude<Extract<PostResult, { ok: false }>["code"], "stale">,
  reason: string,
  retryAfterS?: number,
): PostResult {
  return retryAfterS === undefined ? { ok: false, code, reason } : { ok: false, code, reason, retryAfterS };
}

const slowDown = (seconds: number) => `Too many messages; wait ${seconds} s`;

/**
 * The agent door. In order: the agent's posting limit (S28); a tag left unfilled is refused (S12); a client id seen before answers the
 * original (S29) unless it failed, which retries it; a channel that cannot reach the conversation now
 * is refused with its reason (no chat visitor, no address, Messenger's window: S17, S26); then the
 * item is stored and, for email and Messenger, sent, its outcome recorded.
 */
export async function postAsAgent(
  room: RoomHandle,
  outbound: OutboundChannels,
  input: AgentPost,
  at: number,
): Promise<PostResult> {
  if (input.kind === "event") return { ok: true, message: room.record({ ...input, clientId: null }), duplicate: false };
  const wait = room.limit(input.author);
  if (wait !== null) return refused("rate_limited", slowDown(wait), wait);
  if (hasTags(input.text))
    return refused("unfilled_tags", "The text still contains a personalization tag ({{…}}): fill it or remove it");

  const earlier = messageByClientId(room.sql, room.id, input.clientId);
  if (earlier && !sameAuthor(earlier.author, input.author))
    return refused("client_id_taken", "This client id belongs to another author's message");
  if (earlier && !(earlier.kind === "reply" && earlier.status === "failed"))
    return { ok: true, message: earlier, duplicate: true };
  // S38: checked here and written below with no await between, so of two replies racing the second
  // always sees the first.
  const newer =
    earlier || input.force || input.basedOnSeq === undefined ? [] : news(room, input.basedOnSeq, input.author);
  if (newer.length)
    return {
      ok: false,
      code: "stale",
      reason: "New messages arrived since you started: read them, then send anyway or edit",
      newer,
    };
  if (input.kind === "note") {
    return {
      ok: true,
      message: room.record({
        kind: "note",
        clientId: input.clientId,
        text: input.text,
        author: input.author,
        mentions: input.mentions ?? [],
      }),
      duplicate: false,
    };
  }

  const channelName = earlier?.channel ?? input.channel;
  const channel = outbound[channelName];
  const conversation = room.state();
  const refusal = channel.refusal(conversation, room.env, at);
  if (refusal) return refused("channel_refused", refusal);

  let message: Message;
  if (earlier) {
    message = setMessageStatus(room.sql, room.id, earlier.seq, "sending") ?? earlier;
    room.statusChanged(message);
  } else {
    const id = newMessageId();
    const email = channel.details?.({ env: room.env, conversation, messageId: id, thread: thread(room) }) ?? null;
    message = room.record({
      kind: "reply",
      id,
      clientId: input.clientId,
      channel: channelName,
      author: input.author,
      text: input.text,
      status: channel.send ? "sending" : "sent",
      email,
    });
  }
  if (!channel.send || message.kind !== "reply") return { ok: true, message, duplicate: false };

  const sent = await channel.send({ env: room.env, conversation, message, thread: thread(room) });
  // An echo or a receipt may have moved the message on while we waited: only "sending" becomes "sent".
  const current = messageById(room.sql, room.id, message.id)!;
  const changed = sent.ok
    ? setMessageStatus(
        room.sql,
        room.id,
        current.seq,
        current.status === "sending" ? "sent" : current.status,
        null,
        sent.externalId,
      )
    : setMessageStatus(room.sql, room.id, current.seq, "failed", sent.reason);
  if (changed) room.statusChanged(changed);
  return { ok: true, message: changed ?? current, duplicate: false };
}

/** What counts as news (TIMELINE's `news`) after `seq` from anyone but `author`. */
function news(room: RoomHandle, seq: number, author: Author): Message[] {
  return listMessages(room.sql, room.id, { after: seq, limit: 200 }).filter(
    (m) => TIMELINE[m.kind].news && !sameAuthor(m.author, author),
  );
}

function thread(room: RoomHandle): Message[] {
  return listMessages(room.sql, room.id, { after: 0, limit: 100_000 });
}

/** The channel door: each event applied once, so a delivery repeated or retried midway repeats nothing. */
export function receiveFromChannel(room: RoomHandle, events: ChannelEvent[]): Received[] {
  return events.map((e) => receiveOne(room, e));
}

function receiveOne(room: RoomHandle, e: ChannelEvent): Received {
  switch (e.type) {
    case "message": {
      const m = e.message;
      const wait = room.limit(m.author);
      if (wait !== null) return { message: null, duplicate: false, retryAfterS: wait };
      const earlier = m.externalId
        ? messageByExternalId(room.sql, room.id, m.externalId)
        : m.clientId
          ? messageByClientId(room.sql, room.id, m.clientId)
          : null;
      if (earlier) return { message: sameAuthor(earlier.author, m.author) ? earlier : null, duplicate: true };
      return { message: room.record({ kind: "customer", ...m }), duplicate: false };
    }
    case "echo": {
      const ours = e.ourMessageId ? messageById(room.sql, room.id, e.ourMessageId) : null;
      if (ours) {
        const status = ours.status === "sending" || ours.status === "failed" ? "sent" : ours.status;
        const changed = setMessageStatus(room.sql, room.id, ours.seq, status, null, e.externalId);
        if (changed) room.statusChanged(changed);
        return { message: changed ?? ours, duplicate: changed === null };
      }
      const earlier = messageByExternalId(room.sql, room.id, e.externalId);
      if (earlier) return { message: earlier, duplicate: true };
      return {
        message: room.record({
          kind: "reply",
          channel: e.channel,
          clientId: null,
          author: e.author,
          text: e.text,
          externalId: e.externalId,
          at: e.at,
        }),
        duplicate: false,
      };
    }
    case "receipt": {
      const changed = applyReceipt(room.sql, room.id, e.channel, e.watermark, e.status);
      for (const m of changed) room.statusChanged(m);
      return { message: changed.at(-1) ?? null, duplicate: changed.length === 0 };
    }
    case "failed": {
      const m = messageById(room.sql, room.id, e.messageId);
      if (m?.kind !== "reply") return { message: null, duplicate: false };
      const changed = setMessageStatus(room.sql, room.id, m.seq, "failed", e.reason);
      if (changed) room.statusChanged(changed);
      return { message: changed ?? m, duplicate: changed === null };
    }
  }
}
