/**
 * The one format of conversation and message ids, and the one way each is minted. A conversation id
 * is `c_` and 32 hex digits derived from a key, so that whoever holds the key finds the same
 * conversation again: a widget device or signed-in user (an HMAC with a secret), a Messenger person,
 * or the first mail of a new sender (a digest of its Message-ID, so two copies of it meet).
 *
 * @example
 * conversationIdFromKey(hex(digest))     // "c_" + the first 32 hex digits of the key
 */
export const CONVERSATION_ID = /^c_[0-9a-f]{32}$/;
export const MESSAGE_ID = /^m_[0-9a-f]{32}$/;

function randomHex(): string {
  return crypto.randomUUID().replace(/-/g, "");
}

/** The conversation a hex key (an HMAC or a SHA-256 digest, at least 128 bits) stands for. */
export function conversationIdFromKey(hexKey: string): string {
  if (!/^[0-9a-f]{32,}$/.test(hexKey)) throw new Error("a conversation key is at least 32 lower-case hex digits");
  return `c_${hexKey.slice(0, 32)}`;
}

/** The 32 hex digits of a conversation id (what a reply address carries). */
export function conversationKey(conversationId: string): string {
  return conversationId.slice(2);
}

export function newMessageId(): string {
  return `m_${randomHex()}`;
}
