import { sendAll } from "../lib/socket-frames";
import { CLOSE_STALE, type ServerFrame, type Viewer } from "../protocol";
import { attachment, lastSeen } from "./room-sockets";

/** A draft edited this recently is being replied to (S37). */
export const REPLYING_MS = 10_000;
/**
 * An agent's tab silent this long (a laptop asleep, a network gone) loses its marker and its socket:
 * five missed pings (the app pings every 5 s), so the marker is gone within 30 s of the silence.
 */
export const AGENT_STALE_MS = 25_000;

/**
 * S37: which agents are viewing this conversation (in a visible tab, or in the background) and which
 * are replying (a draft edited in the last ten seconds, any channel or a note). Worked out from the
 * agents' sockets — never stored, never shown to the visitor — and sent to the agents in the room and
 * to the inbox feed (the list rows) only when it changes.
 */
export class AgentMarkers {
  private last = "";

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly conversationId: () => string,
    private readonly publish: (frame: ServerFrame) => void,
  ) {}

  viewers(at: number, except?: WebSocket): Viewer[] {
    const byAgent = new Map<string, Viewer>();
    for (const ws of this.ctx.getWebSockets("agent")) {
      if (ws === except || ws.readyState !== WebSocket.OPEN || at - lastSeen(this.ctx, ws) >= AGENT_STALE_MS) continue;
      const a = attachment(ws);
      if (!a.agentId) continue;
      const before = byAgent.get(a.agentId);
      const replying = a.typing && at - a.editedAt < REPLYING_MS;
      byAgent.set(a.agentId, {
        agentId: a.agentId,
        name: a.agentName ?? "",
        state: a.visible || before?.state === "viewing" ? "viewing" : "background",
        replying: replying || (before?.replying ?? false),
      });
    }
    return [...byAgent.values()].sort((x, y) => x.agentId.localeCompare(y.agentId));
  }

  /** Sends the markers if they changed (`except`: a socket that is closing). */
  refresh(at: number, except?: WebSocket): void {
    const viewers = this.viewers(at, except);
    const text = JSON.stringify(viewers);
    if (text === this.last) return;
    this.last = text;
    const frame: ServerFrame = { type: "viewers", conversationId: this.conversationId(), viewers };
    sendAll(this.ctx.getWebSockets("agent"), frame, except);
    this.publish(frame);
  }

  /** The alarm's marker timer: when a replying marker lapses or a silent tab goes stale. */
  due(at: number): number | null {
    // Only what is still ahead: a lapse already shown (or a socket already closed as stale) must not
    // ask for the alarm again now, which would hide the later times behind it.
    const times = this.ctx.getWebSockets("agent").flatMap((ws) => {
      const a = attachment(ws);
      return [lastSeen(this.ctx, ws) + AGENT_STALE_MS, a.typing && a.editedAt ? a.editedAt + REPLYING_MS : 0];
    });
    const next = times.filter((t) => t > at);
    return next.length ? Math.min(...next) : null;
  }

  fire(at: number): void {
    for (const ws of this.ctx.getWebSockets("agent")) {
      if (at - lastSeen(this.ctx, ws) >= AGENT_STALE_MS) {
        try {
          ws.close(CLOSE_STALE, "No keep-alive received");
        } catch {}
      }
    }
    this.refresh(at);
  }
}
