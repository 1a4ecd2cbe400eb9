import type { AgentSession, SessionsEnding } from "../lib/socket-frames";

/**
 * Which agent sessions have sockets open, and in which conversations (S9: a session that ends must
 * close every one of them, feed and conversation, at once). Kept in the feed object's SQLite; a row
 * goes when its session ends or expires.
 */
export class SessionSockets {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS live_sessions (session_key TEXT PRIMARY KEY, agent_id TEXT NOT NULL, expires_at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS session_rooms (session_key TEXT NOT NULL, conversation_id TEXT NOT NULL, PRIMARY KEY (session_key, conversation_id))`);
  }

  /** A socket of this session opened: the feed's (no conversation) or a conversation's. */
  opened(agentId: string, session: AgentSession, conversationId: string | null): void {
    this.sql.exec(
      "INSERT INTO live_sessions (session_key, agent_id, expires_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
      session.key,
      agentId,
      session.expiresAt,
    );
    if (conversationId)
      this.sql.exec("INSERT INTO session_rooms VALUES (?, ?) ON CONFLICT DO NOTHING", session.key, conversationId);
  }

  /** The keys of the sessions that end, as far as sockets are concerned. */
  keys(ending: SessionsEnding): string[] {
    if ("keys" in ending) return ending.keys;
    return this.sql
      .exec<{ session_key: string }>(
        "SELECT session_key FROM live_sessions WHERE agent_id = ? AND session_key != ?",
        ending.agentId,
        ending.except ?? "",
      )
      .toArray()
      .map((r) => r.session_key);
  }

  /** The conversations where these sessions opened sockets. */
  conversations(keys: string[]): string[] {
    if (keys.length === 0) return [];
    return this.sql
      .exec<{ conversation_id: string }>(
        `SELECT DISTINCT conversation_id FROM session_rooms WHERE session_key IN (${keys.map(() => "?").join(", ")})`,
        ...keys,
      )
      .toArray()
      .map((r) => r.conversation_id);
  }

  forget(keys: string[]): void {
    for (const key of keys) {
      this.sql.exec("DELETE FROM session_rooms WHERE session_key = ?", key);
      this.sql.exec("DELETE FROM live_sessions WHERE session_key = ?", key);
    }
  }

  expired(at: number): string[] {
    return this.sql
      .exec<{ session_key: string }>("SELECT session_key FROM live_sessions WHERE expires_at <= ?", at)
      .toArray()
      .map((r) => r.session_key);
  }

  nextExpiry(): number | null {
    return this.sql.exec<{ at: number | null }>("SELECT min(expires_at) AS at FROM live_sessions").one().at;
  }
}
