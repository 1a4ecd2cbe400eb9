import type { AgentSession } from "../lib/socket-frames";

/** Who is on the other end of a conversation socket; kept with the socket so it survives hibernation (≤ 16 KB). */
export interface SocketIdentity {
  role: "visitor" | "agent";
  agentId: string | null;
  agentName: string | null;
  /** The agent's session (its stored key) and when it ends at the latest: the socket ends with it (S9). */
  session: AgentSession | null;
}



export interface SocketAttachment extends SocketIdentity {
  connectedAt: number;
  /** Last frame the client sent (keep-alive pings are answered without us and tracked by the runtime). */
  lastFrameAt: number;
}

export function attachment(ws: WebSocket): SocketAttachment {
  return ws.deserializeAttachment() as SocketAttachment;
}

/**
 * When a client last showed signs of life: its own frames, or the keep-alive pings the runtime
 * answers for us without waking the object (`getWebSocketAutoResponseTimestamp`).
 */
export function lastSeen(ctx: DurableObjectState, ws: WebSocket): number {
  const a = attachment(ws);
  const pinged = ctx.getWebSocketAutoResponseTimestamp(ws)?.getTime() ?? 0;
  return Math.max(a.connectedAt, a.lastFrameAt, pinged);
}
