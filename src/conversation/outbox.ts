import type { Env } from "../env";
import { workspaceFeed } from "../lib/workspace";
import { now } from "../lib/clock";
import { unindexedItems } from "./search-items";
import { type ConversationState, readState, summarize } from "./storage";

const RETRY_MAX_MS = 5 * 60_000;

/**
 * Keeps the D1 index and the search index (S41) in step with the conversation. The summary, with the
 * searchable items not yet confirmed indexed, goes to the inbox feed, which publishes it and writes it to
 * both databases in its next group commit; the version and the `indexed_seq` stored here only advance
 * once they accepted it. A failure schedules a retry with backoff (the alarm's "index retry" timer), and
 * the retry sends every item since `indexed_seq` again, not only the latest, so nothing is silently left
 * behind.
 */
export class IndexOutbox {
  constructor(
    private readonly sql: SqlStorage,
    private readonly env: Env,
    private readonly rescheduled: () => Promise<void>,
  ) {}

  /**
   * Writes what is pending (with `force`, the summary even if it was written). Resolves true when the
   * index has everything the conversation held, false when a retry was scheduled.
   */
  async sync(s: ConversationState | null = readState(this.sql), force = false): Promise<boolean> {
    while (s && s.lastSeq > 0 && (force || pending(s))) {
      const { items, upTo } = unindexedItems(this.sql, s);
      try {
        await workspaceFeed(this.env).conversationChanged(
          summarize(s),
          { visitorKey: s.visitorKey, messengerPsid: s.messengerPsid, assignedAt: s.assignedAt },
          items,
        );
        this.sql.exec(
          "UPDATE conversation SET indexed_version = max(indexed_version, ?), indexed_seq = max(indexed_seq, ?), index_attempts = 0, index_retry_at = NULL",
          s.version,
          upTo,
        );
      } catch (err) {
        const attempts = (readState(this.sql)?.indexAttempts ?? 0) + 1;
        const delay = Math.min(RETRY_MAX_MS, 1000 * 2 ** (attempts - 1));
        this.sql.exec("UPDATE conversation SET index_attempts = ?, index_retry_at = ?", attempts, now() + delay);
        console.error("index write failed; retrying", s.id, attempts, err);
        await this.rescheduled();
        return false;
      }
      force = false;
      s = readState(this.sql);
    }
    return true;
  }

  /** S41's backfill: from `fromStart`, every item again (a new search database); else what is pending. */
  async reindex(fromStart: boolean): Promise<boolean> {
    if (fromStart) this.sql.exec("UPDATE conversation SET indexed_seq = 0");
    return this.sync(readState(this.sql), true);
  }

  due(s: ConversationState, at: number): number | null {
    return pending(s) && s.lastSeq > 0 ? (s.indexRetryAt ?? at) : null;
  }

  async fire(at: number): Promise<void> {
    const s = readState(this.sql);
    if (s && (s.indexRetryAt ?? 0) <= at) await this.sync(s);
  }
}

function pending(s: ConversationState): boolean {
  return s.indexedVersion < s.version || s.indexedSeq < s.lastSeq;
}
