import { CLOSE_SESSION_ENDED, CLOSE_SESSION_RENEWED, type ClientFrame, type ServerFrame } from "../protocol";
import { parseClientFrame } from "../protocol/schemas";

/** Frames to and from hibernating sockets, shared by the conversation object and the inbox feed. */
export function send(ws: WebSocket, frame: ServerFrame): void {
  try {
    ws.send(JSON.stringify(frame));
  } catch {
    // The socket is closing; its close handler cleans up.
  }
}

/** One serialisation for every receiver. */
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

/** An agent's session as its sockets carry it: the stored key, and when it ends at the latest. */
export interface AgentSession {
  key: string;
  expiresAt: number;
}

/** Socket tags, so the sockets of one session or one agent can be found among all of an object's. */
export function sessionTags(agentId: string, session: AgentSession): string[] {
  return [`s:${session.key}`, `a:${agentId}`];
}

/**
 * Which sessions end: these keys, or every session of an agent (but one, after a password change).
 * `renewed`: the browser holds a new session already (its password change), so its sockets reconnect.
 */
export type SessionsEnding = { keys: string[]; renewed?: boolean } | { agentId: string; except?: string };

/** Closes an object's sockets of the sessions that end (S9); the app goes back to sign-in. Returns how many. */
export function closeSessions(ctx: DurableObjectState, ending: SessionsEnding): number {
  const sockets =
    "keys" in ending
      ? ending.keys.flatMap((k) => ctx.getWebSockets(`s:${k}`))
      : ctx
          .getWebSockets(`a:${ending.agentId}`)
          .filter((ws) => !ending.except || !ctx.getTags(ws).includes(`s:${ending.except}`));
  const renewed = "keys" in ending && ending.renewed === true;
  for (const ws of sockets) {
    try {
      if (renewed) ws.close(CLOSE_SESSION_RENEWED, "Session renewed: reconnect");
      else ws.close(CLOSE_SESSION_ENDED, "Session ended");
    } catch {}
  }
  return sockets.length;
}

/** Echoes a client's close (1005/1006 cannot be sent back) so the runtime can release the socket. */
export function closeBack(ws: WebSocket, code: number, reason: string): void {
  try {
    ws.close(code === 1005 || code === 1006 ? 1000 : code, reason);
  } catch {}
}
