import type { Env } from "../env";
import type { Channel, ChannelMessage, EmailDetails, Message } from "../protocol";
import type { ConversationState } from "./storage";

/** What a channel is given to send one stored reply. */
export interface OutboundContext {
  env: Env;
  conversation: ConversationState;
  /** The reply, already stored as "sending". */
  message: ChannelMessage;
  /** The whole timeline, this reply included (threading headers, transcripts). */
  thread: Message[];
}

export type Sent = { ok: true; externalId?: string } | { ok: false; reason: string };

/**
 * How an agent's reply leaves on one channel. The conversation object owns the rules and the order
 * (refuse, store once per client id, send, record the outcome); a channel only answers these three
 * questions. Email and Messenger implement it in their own folders and the worker's entry point hands
 * them to the object, so the conversation never imports a channel.
 */
export interface OutboundChannel {
  /** Why this conversation cannot be answered on this channel now (checked before anything is stored); null if it can. */
  refusal(conversation: ConversationState, env: Env, at: number): string | null;
  /** What to store with a new reply before it is sent (an email's subject and Message-ID). */
  details?(ctx: { env: Env; conversation: ConversationState; messageId: string; thread: Message[] }): EmailDetails;
  /** Sends the stored reply. Absent for web chat: the object's own sockets deliver it. */
  send?(ctx: OutboundContext): Promise<Sent>;
}

export type OutboundChannels = Record<Channel, OutboundChannel>;

/** S17: a chat reply needs a web chat visitor; shown the next time their widget opens if they are away. */
export const chatOutbound: OutboundChannel = {
  refusal: (conversation) => (conversation.visitorKey ? null : "This conversation has no web chat visitor."),
};
