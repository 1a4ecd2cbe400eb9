import type { AgentStatus } from "../protocol";

/** An agent whose every app went silent this long is offline (S32: never shown online 60 s after). */
export const SILENT_MS = 45_000;

/**
 * S32: who is online, away or offline. Offline is a fact of the sockets — no feed socket open (and
 * answering pings) means no app open; online or away is the agent's choice while one is. The choice
 * and the name are kept here, from each socket that opens and each change the agent makes.
 */
export class Availability {
  constructor(
    private readonly ctx: DurableObjectState,
    private readonly lastSeen: (ws: WebSocket) => number,
  ) {
    ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS agent_choice (agent_id TEXT PRIMARY KEY, name TEXT NOT NULL, choice TEXT NOT NULL)",
    );
  }

  /** Remembers an agent's name and choice (from a socket that opened, or the agent's own change). */
  chose(agentId: string, name: string, choice: "online" | "away"): void {
    this.ctx.storage.sql.exec(
      "INSERT INTO agent_choice VALUES (?, ?, ?) ON CONFLICT (agent_id) DO UPDATE SET name = excluded.name, choice = excluded.choice",
      agentId,
      name,
      choice,
    );
  }

  /** Every known agent's status, `except` a socket that is closing. */
  statuses(at: number, except?: WebSocket): Record<string, AgentStatus> {
    const out: Record<string, AgentStatus> = {};
    const rows = this.ctx.storage.sql
      .exec<{ agent_id: string; choice: "online" | "away" }>("SELECT agent_id, choice FROM agent_choice")
      .toArray();
    for (const { agent_id, choice } of rows) {
      const live = this.ctx
        .getWebSockets(`a:${agent_id}`)
        .some((ws) => ws !== except && ws.readyState === WebSocket.OPEN && at - this.lastSeen(ws) < SILENT_MS);
      out[agent_id] = live ? choice : "offline";
    }
    return out;
  }

  /** Agents who can take a conversation now: online (not away, not offline), with their names. */
  available(at: number): { id: string; name: string }[] {
    const statuses = this.statuses(at);
    return this.ctx.storage.sql
      .exec<{ agent_id: string; name: string }>("SELECT agent_id, name FROM agent_choice")
      .toArray()
      .filter((r) => statuses[r.agent_id] === "online")
      .map((r) => ({ id: r.agent_id, name: r.name }));
  }

  forget(agentId: string): void {
    this.ctx.storage.sql.exec("DELETE FROM agent_choice WHERE agent_id = ?", agentId);
  }
}
