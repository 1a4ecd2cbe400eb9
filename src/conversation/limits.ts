import type { Env } from "../env";
import type { Author } from "../protocol";

/** A token bucket's shape: `burst` messages at once, refilled at `perMinute`. */
export interface Rate {
  perMinute: number;
  burst: number;
}

export function postingRates(env: Env): { visitor: Rate; agent: Rate } {
  return {
    visitor: { perMinute: Number(env.VISITOR_MESSAGES_PER_MINUTE), burst: Number(env.VISITOR_MESSAGE_BURST) },
    agent: { perMinute: Number(env.AGENT_MESSAGES_PER_MINUTE), burst: Number(env.AGENT_MESSAGE_BURST) },
  };
}

/**
 * S28: how fast the visitor and each agent may post in this conversation. Kept in memory: the object
 * stays awake while someone floods it, and a bucket that is lost to hibernation was full anyway. A
 * refusal costs no storage and no broadcast, so a flood cannot stall the conversation's other work.
 */
export class PostingLimits {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly rates: { visitor: Rate; agent: Rate }) {}

  /** Takes one message from the author's bucket: null when allowed, else the seconds until it would be. */
  take(author: Author, at: number): number | null {
    const rate = author.kind === "agent" ? this.rates.agent : author.kind === "visitor" ? this.rates.visitor : null;
    if (!rate) return null; // email and Messenger arrive through their channels' own limits
    const key = `${author.kind}:${author.id ?? ""}`;
    const perMs = rate.perMinute / 60_000;
    const last = this.buckets.get(key) ?? { tokens: rate.burst, at };
    const tokens = Math.min(rate.burst, last.tokens + (at - last.at) * perMs);
    if (tokens < 1) {
      this.buckets.set(key, { tokens, at });
      return Math.ceil((1 - tokens) / perMs / 1000);
    }
    this.buckets.set(key, { tokens: tokens - 1, at });
    return null;
  }
}
