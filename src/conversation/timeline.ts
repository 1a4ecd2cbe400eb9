import type { ServerFrame } from "../protocol";
import { type Message, reachesVisitor, TIMELINE } from "../protocol";
import { sendAll } from "../lib/socket-frames";
import { insertMessage, type NewMessage, updateConversation } from "./storage";

const PREVIEW_CHARS = 140;

/**
 * Stores a timeline item and applies its kind's rules (src/protocol/timeline.ts) to the conversation,
 * in one transaction: a customer message reopens and marks unread (an auto-reply neither, S23; no
 * unread while an agent is reading it, S4),
 * messages on a channel move the conversation up the list, notes and events change nothing but the
 * timeline. Every item bumps the version, since the summary's `lastSeq` moved.
 */
export function recordItem(
  storage: DurableObjectStorage,
  conversationId: string,
  input: NewMessage,
  at: number,
  someoneReading: boolean,
  /** Changes to the conversation that go with this item (an assignment and its event), in the same transaction. */
  extra: Record<string, SqlStorageValue> = {},
): Message {
  return storage.transactionSync(() => {
    const message = insertMessage(storage.sql, conversationId, input, at);
    const rules = TIMELINE[input.kind];
    const counts = input.kind !== "customer" || input.reopens !== false;
    const changes: Record<string, SqlStorageValue> = { ...extra };
    if (rules.movesInList) Object.assign(changes, { preview: input.text.slice(0, PREVIEW_CHARS), last_message_at: at });
    if (rules.reopens && counts) changes.status = "open";
    // S4: unless an agent is reading it right now, in a visible tab; then it stays Read for everyone.
    if (rules.marksUnread && counts && !someoneReading) changes.read = 0;
    // The customer writes: a snoozed conversation comes back now (S36).
    if (input.kind === "customer" && counts) Object.assign(changes, { last_inbound_at: at, snoozed_until: null });
    updateConversation(storage.sql, changes);
    return message;
  });
}

/** Live delivery of a new item: every agent in the room gets it, the visitor only what their widget shows. */
export function deliver(ctx: DurableObjectState, message: Message): void {
  const frame: ServerFrame = { type: "message", message };
  sendAll(ctx.getWebSockets("agent"), frame);
  if (reachesVisitor(message)) sendAll(ctx.getWebSockets("visitor"), frame);
}
