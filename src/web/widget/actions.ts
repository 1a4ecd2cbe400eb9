import type { Message } from "../../protocol";
import type { Chat, Entry, Session } from "./chat";

/**
 * What only the open panel does with the conversation. Kept out of the Chat class so that the
 * loader, which every page loads, does not carry it.
 */

/** The latest page of the conversation (S14), merged with what the socket already brought. */
export async function loadHistory(chat: Chat): Promise<void> {
  if (!chat.conversationId && !chat.hasConversation) return;
  const { messages } = await chat.request<{ messages: Message[] }>("GET", "/messages");
  for (const m of messages) chat.add(m, false);
  chat.emit();
}

/**
 * Sends a message: shown at once as "sending", then "sent"; or "failed", and a retry sends it again
 * under the same client id, so the server stores it once however many times it arrives (S29).
 */
export async function sendMessage(chat: Chat, text: string, key = newClientId()): Promise<void> {
  chat.entries.set(key, { key, seq: null, text, mine: true, author: null, status: "sending" });
  chat.emit();
  try {
    const { message } = await chat.request<{ message: Message }>("POST", "/messages", { clientId: key, text });
    chat.add(message);
    chat.connect();
  } catch {
    const entry = chat.entries.get(key);
    if (entry?.status === "sending") entry.status = "failed";
    chat.emit();
  }
}

export function retry(chat: Chat, key: string): Promise<void> {
  const entry = chat.entries.get(key);
  return entry?.status === "failed" ? sendMessage(chat, entry.text, key) : Promise.resolve();
}

/** S16: the visitor's email, so agents can answer by mail later. */
export async function giveEmail(chat: Chat, email: string): Promise<void> {
  const { contact } = await chat.request<{ contact: Session["contact"] }>("POST", "/contact", { email });
  chat.contact = contact;
  chat.emit();
}

/** Stored messages by sequence; ours still on their way after them, in the order they were written. */
export function sortedEntries(chat: Chat): Entry[] {
  return [...chat.entries.values()].sort((a, b) => (a.seq ?? Infinity) - (b.seq ?? Infinity));
}

export function hasSentSomething(chat: Chat): boolean {
  return [...chat.entries.values()].some((e) => e.mine);
}

function newClientId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `w${Array.from(bytes, (b) => b.toString(36).padStart(2, "0")).join("")}`;
}
