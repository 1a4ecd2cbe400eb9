import type { AgentSession } from "../lib/socket-frames";
import type { Composing } from "../protocol";

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
  /** The last typing frame forwarded: when, whether it said typing, and what it said was being written. */
  typingAt: number;
  typing: boolean;
  composing: Composing | null;
  /** The last typing frame that said typing (S37's "replying"), forwarded or not. */
  editedAt: number;
  /** Agents: the conversation is on screen in a visible tab (S4); true from the moment it opens. */
  visible: boolean;
  /** Frames in the current one-second window (S28: a flood closes the socket). */
  windowAt: number;
  windowFrames: number;
}

/** Forwarded typing frames per sender: at most one a second. */
export const TYPING_EVERY_MS = 1000;
/** More frames than this in a second is no client of ours: the socket is closed. */
const MAX_FRAMES_PER_SECOND = 50;

export function newAttachment(identity: SocketIdentity, at: number): SocketAttachment {
  return {
    ...identity,
    connectedAt: at,
    lastFrameAt: at,
    typingAt: 0,
    typing: false,
    composing: null,
    editedAt: 0,
    visible: identity.role === "agent",
    windowAt: at,
    windowFrames: 0,
  };
}

/** Sockets accepted before the typing and flood fields existed read as fresh. */
export function attachment(ws: WebSocket): SocketAttachment {
  const a = ws.deserializeAttachment() as SocketAttachment;
  return { ...newAttachment(a, a.connectedAt), ...a };
}

/** The attachment after one more frame at `at`. */
export function seen(a: SocketAttachment, at: number): SocketAttachment {
  const fresh = at - a.windowAt >= 1000;
  return { ...a, lastFrameAt: at, windowAt: fresh ? at : a.windowAt, windowFrames: fresh ? 1 : a.windowFrames + 1 };
}

export function flooding(a: SocketAttachment): boolean {
  return a.windowFrames > MAX_FRAMES_PER_SECOND;
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
