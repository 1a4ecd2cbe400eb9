import { conversationIdFromKey, conversationKey } from "../../conversation/stub";
import { constantTimeEqual, hex, hmacSha256 } from "../../lib/crypto";

/**
 * S18 rule 1: signed reply addresses, `reply+<conversation>-<mac>@<domain>`. Mail sent to one lands in
 * that conversation whoever sends it; a forged or altered token is ignored (the next rule applies).
 *
 * @example
 * const address = await replyAddress(secret, "c_0123…", "example.com") // "reply+0123…-9f86d081884c7d65@example.com"
 * await conversationFromAddresses(secret, [address])                     // "c_0123…"
 */
export async function replyAddress(secret: string, conversationId: string, domain: string): Promise<string> {
  const id = conversationKey(conversationId);
  return `reply+${id}-${await mac(secret, id)}@${domain}`;
}

/** The conversation of the first validly signed reply address among `addresses`, or null. */
export async function conversationFromAddresses(secret: string, addresses: string[]): Promise<string | null> {
  for (const address of addresses) {
    const match = /(?:^|[<\s])reply\+([0-9a-f]{32})-([0-9a-f]{16})@/i.exec(address);
    if (!match) continue;
    const id = match[1]!.toLowerCase();
    const given = new TextEncoder().encode(match[2]!.toLowerCase());
    if (constantTimeEqual(new TextEncoder().encode(await mac(secret, id)), given)) return conversationIdFromKey(id);
  }
  return null;
}

async function mac(secret: string, id: string): Promise<string> {
  return hex((await hmacSha256(secret, `reply:${id}`)).slice(0, 8));
}
