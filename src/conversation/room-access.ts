import type { Message } from "../protocol";
import type { ConversationState, NewMessage } from "./storage";

/** What a channel's logic (Messenger, email) may do inside a conversation object. */
export interface RoomAccess {
  sql: SqlStorage;
  id: string;
  state(): ConversationState;
  record(input: NewMessage): Message;
  statusChanged(m: Message): void;
}

/** An agent's reply: stored (or the original, for a repeated client id), or refused with the reason. */
export type Reply = { ok: true; message: Message; duplicate: boolean } | { ok: false; reason: string };
