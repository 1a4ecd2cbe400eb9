/**
 * The conversation module's one face for the rest of the worker: the id formats, the object's stub,
 * and the shapes its methods take. Channels and routes import this file, never the object's inner
 * modules, so the conversation can be reorganised without touching them.
 */
import { z } from "zod";
import type { Env } from "../env";
import { CONVERSATION_ID, MESSAGE_ID } from "./ids";

export { conversationIdFromKey, conversationKey, newMessageId } from "./ids";
export type { AgentPost, ChannelEvent, PostResult, Received } from "./doors";
export type { OutboundChannel, OutboundChannels, OutboundContext, Sent } from "./outbound";
export type { SocketIdentity } from "./room-sockets";
export type { ConversationInit, ConversationState, MessagePage } from "./storage";

export const conversationIdSchema = z.string().regex(CONVERSATION_ID, "Not a conversation id");
export const messageIdSchema = z.string().regex(MESSAGE_ID, "Not a message id");

/** The conversation's Durable Object (created on first use; `ensure` or a first message stores it). */
export function conversationStub(env: Env, id: string) {
  return env.CONVERSATIONS.getByName(id);
}
