import { parseClientFrame, type ClientFrame, type ServerFrame } from "../protocol";

/** Who is on the other end of a socket; kept with the socket so it survives hibernation (≤ 16 KB). */
export interface SocketIdentity {
  role: "visitor" | "agent";
  agentId: string | null;
  agentName: string | null;
}

export interface SocketAttachment extends SocketIdentity {
  connectedAt: number;
  /** Last frame the client sent (keep-alive pings are answered without us and tracked by the runtime). */
  lastFrameAt: number;
}

export function attachment(ws: WebSocket): SocketAttachment {
  return ws.deserializeAttachment() as SocketAttachment;
}

export function send(ws: WebSocket, frame: ServerFrame): void {
  try {
    ws.send(JSON.stringify(frame));
  } catch {
    // The socket is closing; its close handler cleans up.
  }
}

export function sendAll(sockets: WebSocket[], frame: ServerFrame, except?: WebSocket): void {
  if (sockets.length === 0) return;
  const text = JSON.stringify(frame);
  for (const ws of sockets) {
    if (ws === except || ws.readyState !== WebSocket.OPEN) continue;
    try {
      ws.send(text);
    } catch {}
  }
}

/** Parses a frame; on a bad one, answers the sender with an error frame and returns null. */
export function receive(ws: WebSocket, raw: string | ArrayBuffer): ClientFrame | null {
  const parsed = parseClientFrame(raw);
  if (parsed.ok) return parsed.frame;
  send(ws, { type: "error", code: parsed.code, message: parsed.message });
  return null;
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

/** Close codes of our own (4000–4999 are free for applications). */
export const CLOSE_STALE = 4001;
