import type { Env } from "../env";
import { workspaceFeed } from "../lib/workspace";
import { now } from "../lib/clock";
import { type ConversationState, readState, summarize } from "./storage";

const RETRY_MAX_MS = 5 * 60_000;

/**
 * Keeps the D1 index in step with the conversation. The summary goes to the inbox feed, which
 * publishes it and writes it to D1 in its next group commit; the version stored here only advances
 * once D1 accepted it. A failure schedules a retry with backoff (the alarm's "index retry" timer), so
 * the index is never silently left behind.
 */
export class IndexOutbox {
  constructor(
    private readonly sql: SqlStorage,
    private readonly env: Env,
    private readonly rescheduled: () => Promise<void>,
  ) {}

  async sync(s: ConversationState | null = readState(this.sql)): Promise<void> {
    if (!s || s.indexedVersion >= s.version || s.lastSeq === 0) return;
    try {
      await workspaceFeed(this.env).conversationChanged(summarize(s), {
        visitorKey: s.visitorKey,
        messengerPsid: s.messengerPsid,
        assignedAt: s.assignedAt,
      });
      this.sql.exec(
        "UPDATE conversation SET indexed_version = max(indexed_version, ?), index_attempts = 0, index_retry_at = NULL",
        s.version,
      );
    } catch (err) {
      const attempts = (readState(this.sql)?.indexAttempts ?? 0) + 1;
      const delay = Math.min(RETRY_MAX_MS, 1000 * 2 ** (attempts - 1));
      this.sql.exec("UPDATE conversation SET index_attempts = ?, index_retry_at = ?", attempts, now() + delay);
      console.error("index write failed; retrying", s.id, attempts, err);
      await this.rescheduled();
    }
  }

  due(s: ConversationState, at: number): number | null {
    return s.indexedVersion < s.version && s.lastSeq > 0 ? (s.indexRetryAt ?? at) : null;
  }

  async fire(at: number): Promise<void> {
    const s = readState(this.sql);
    if (s && (s.indexRetryAt ?? 0) <= at) await this.sync(s);
  }
}
