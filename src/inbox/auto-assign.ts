import type { AgentRef, ConversationSummary } from "../protocol";

export interface AssignmentSettings {
  mode: "off" | "balanced";
  /** Open assigned conversations an agent may hold before auto-assignment passes them by. */
  capacity: number;
}

export const DEFAULT_ASSIGNMENT: AssignmentSettings = { mode: "off", capacity: 10 };

/**
 * S32's balanced auto-assignment, decided in one place: the workspace's feed object, because every
 * conversation's summary passes through it in order and there is one per workspace, so two decisions
 * can never both see the same free capacity. It keeps its own table of open conversations, their
 * owners and which are waiting for one; a decision is written here before the conversation hears of
 * it, so even many conversations arriving at once never push an agent over capacity.
 */
export class AutoAssign {
  constructor(private readonly sql: SqlStorage) {
    // `placing`: a decision of ours the conversation has not confirmed yet; a summary from before it
    // (which still says unassigned) must not free the agent's capacity meanwhile.
    sql.exec(`CREATE TABLE IF NOT EXISTS tracked (conversation_id TEXT PRIMARY KEY, open INTEGER NOT NULL, assignee_id TEXT,
        waiting_since INTEGER, version INTEGER NOT NULL, placing INTEGER NOT NULL DEFAULT 0, snoozed INTEGER NOT NULL DEFAULT 0);
      CREATE INDEX IF NOT EXISTS tracked_waiting ON tracked (waiting_since) WHERE waiting_since IS NOT NULL;
      CREATE INDEX IF NOT EXISTS tracked_assignee ON tracked (assignee_id) WHERE open = 1;
      CREATE TABLE IF NOT EXISTS last_assigned (agent_id TEXT PRIMARY KEY, at INTEGER NOT NULL)`);
  }

  /**
   * Follows a conversation's summary. It waits for an owner when it is new, or a customer reopened
   * it, and nobody owns it; one that an agent unassigned by hand does not (they meant it).
   */
  seen(s: ConversationSummary, at: number): { arrives: boolean } {
    const before = this.sql
      .exec<{ open: number; version: number }>("SELECT open, version FROM tracked WHERE conversation_id = ?", s.id)
      .toArray()[0];
    if (before && before.version >= s.version) return { arrives: false };
    const open = s.status === "open";
    const arrives = open && !s.assignee && (!before || before.open === 0);
    this.sql.exec(
      `INSERT INTO tracked (conversation_id, open, assignee_id, waiting_since, version, snoozed) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
       ON CONFLICT (conversation_id) DO UPDATE SET open = ?2, version = ?5, snoozed = ?6,
         assignee_id = CASE WHEN placing = 1 AND ?3 IS NULL THEN assignee_id ELSE ?3 END,
         waiting_since = CASE WHEN ?2 = 0 OR ?3 IS NOT NULL OR placing = 1 THEN NULL ELSE coalesce(?4, waiting_since) END`,
      s.id,
      open ? 1 : 0,
      s.assignee?.id ?? null,
      arrives ? at : null,
      s.version,
      s.snoozedUntil === null ? 0 : 1,
    );
    return { arrives };
  }

  /** Whether it still waits for an owner (auto-assignment found nobody). */
  waiting(conversationId: string): boolean {
    return (
      this.sql
        .exec("SELECT 1 FROM tracked WHERE conversation_id = ? AND assignee_id IS NULL AND open = 1", conversationId)
        .toArray().length > 0
    );
  }

  /** The conversation confirmed our decision (its summary now), or could not take it (null: it waits again). */
  placed(conversationId: string, confirmed: ConversationSummary | null, at: number): void {
    this.sql.exec("UPDATE tracked SET placing = 0 WHERE conversation_id = ?", conversationId);
    if (confirmed) this.seen(confirmed, at);
    else
      this.sql.exec(
        "UPDATE tracked SET assignee_id = NULL, waiting_since = ? WHERE conversation_id = ? AND open = 1",
        at,
        conversationId,
      );
  }

  /** These conversations wait for an owner again (their agent was deactivated). */
  requeue(conversationIds: string[], at: number): void {
    for (const id of conversationIds)
      this.sql.exec(
        "UPDATE tracked SET waiting_since = ?, assignee_id = NULL WHERE conversation_id = ? AND open = 1",
        at,
        id,
      );
  }

  /**
   * The next placements, oldest waiting first: each to the available agent under capacity with the
   * fewest open conversations, ties to the one assigned longest ago. Recorded here at once.
   */
  place(settings: AssignmentSettings, available: AgentRef[], at: number): { conversationId: string; to: AgentRef }[] {
    if (settings.mode !== "balanced" || available.length === 0) return [];
    const load = new Map(available.map((a) => [a.id, 0]));
    // Snoozed conversations do not count against capacity (S36).
    const held =
      "SELECT assignee_id, count(*) AS n FROM tracked WHERE open = 1 AND snoozed = 0 AND assignee_id IS NOT NULL GROUP BY assignee_id";
    for (const r of this.sql.exec<{ assignee_id: string; n: number }>(held)) {
      if (load.has(r.assignee_id)) load.set(r.assignee_id, r.n);
    }
    const lastAt = new Map(
      this.sql
        .exec<{ agent_id: string; at: number }>("SELECT agent_id, at FROM last_assigned")
        .toArray()
        .map((r) => [r.agent_id, r.at]),
    );
    const waiting = this.sql
      .exec<{ conversation_id: string }>(
        "SELECT conversation_id FROM tracked WHERE waiting_since IS NOT NULL ORDER BY waiting_since, conversation_id",
      )
      .toArray();
    const out: { conversationId: string; to: AgentRef }[] = [];
    for (const { conversation_id } of waiting) {
      const candidates = available.filter((a) => load.get(a.id)! < settings.capacity);
      if (candidates.length === 0) break;
      candidates.sort((a, b) => load.get(a.id)! - load.get(b.id)! || (lastAt.get(a.id) ?? 0) - (lastAt.get(b.id) ?? 0));
      const to = candidates[0]!;
      load.set(to.id, load.get(to.id)! + 1);
      lastAt.set(to.id, at);
      this.sql.exec(
        "UPDATE tracked SET assignee_id = ?, waiting_since = NULL, placing = 1 WHERE conversation_id = ?",
        to.id,
        conversation_id,
      );
      this.sql.exec(
        "INSERT INTO last_assigned VALUES (?, ?) ON CONFLICT (agent_id) DO UPDATE SET at = excluded.at",
        to.id,
        at,
      );
      out.push({ conversationId: conversation_id, to });
    }
    return out;
  }
}
