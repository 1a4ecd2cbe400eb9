import { receive, sendAll } from "../lib/socket-frames";
import {
  CLOSE_TOO_MANY_FRAMES,
  type Composing,
  type Message,
  type ServerFrame,
  typingReachesVisitor,
} from "../protocol";
import { attachment, flooding, lastSeen, type SocketAttachment, seen, TYPING_EVERY_MS } from "./room-sockets";

/** A tab that has not pinged for this long is not reading, whatever it last said (a sleeping laptop). */
const READING_STALE_MS = 30_000;

/**
 * What the sockets of a conversation say that is live and never stored: typing (both ways) and, from
 * agents, whether the conversation is on screen in a visible tab (S4). `publish` hands a frame to the
 * inbox feed (a visitor's typing shows in the list).
 */
export class LiveFrames {
  constructor(
    private readonly ctx: DurableObjectState,
    private readonly conversationId: () => string,
    private readonly publish: (frame: ServerFrame) => void,
  ) {}

  receive(ws: WebSocket, raw: string | ArrayBuffer, at: number): void {
    const who = seen(attachment(ws), at);
    if (flooding(who)) {
      ws.close(CLOSE_TOO_MANY_FRAMES, "Too many frames");
      return;
    }
    const frame = receive(ws, raw);
    if (frame?.type === "viewing") {
      ws.serializeAttachment(who.role === "agent" ? { ...who, visible: frame.visible } : who);
      return;
    }
    // S28: one typing frame a second per sender goes on; a change (a stop, another channel) always does.
    const composing = frame?.composing ?? null;
    const forward =
      frame !== null &&
      (at - who.typingAt >= TYPING_EVERY_MS || frame.typing !== who.typing || composing !== who.composing);
    const edited = frame?.typing ? { editedAt: at } : {};
    ws.serializeAttachment(
      forward ? { ...who, ...edited, typingAt: at, typing: frame.typing, composing } : { ...who, ...edited },
    );
    if (forward) this.typing(ws, who, frame.typing, frame.composing);
  }

  /** Whether an agent has the conversation on screen in a visible tab right now (S4: it stays Read). */
  someoneReading(at: number): boolean {
    return this.ctx
      .getWebSockets("agent")
      .some(
        (ws) =>
          ws.readyState === WebSocket.OPEN && attachment(ws).visible && at - lastSeen(this.ctx, ws) < READING_STALE_MS,
      );
  }

  /** S15: a typist's indicator goes when they send, and when their socket goes. */
  sent(message: Message): void {
    if (message.channel !== "chat" || (message.kind !== "customer" && message.kind !== "reply")) return;
    const role = message.kind === "customer" ? "visitor" : "agent";
    for (const ws of this.ctx.getWebSockets(role)) {
      const who = attachment(ws);
      if (who.typing && (role === "visitor" || who.agentId === message.author.id)) this.stop(ws, who);
    }
  }

  left(ws: WebSocket): void {
    const who = attachment(ws);
    if (who.typing) this.stop(ws, who);
  }

  private stop(ws: WebSocket, who: SocketAttachment): void {
    try {
      ws.serializeAttachment({ ...who, typing: false, editedAt: 0 });
    } catch {
      // A closed socket keeps no attachment; its stop still goes out.
    }
    this.typing(ws, who, false, undefined);
  }

  private typing(from: WebSocket, who: SocketAttachment, typing: boolean, composing: Composing | undefined): void {
    const visitor = who.role === "visitor";
    const frame: ServerFrame = {
      type: "typing",
      conversationId: this.conversationId(),
      who: who.role,
      agentName: who.agentName,
      typing,
    };
    if (!visitor && composing) frame.composing = composing;
    sendAll(this.ctx.getWebSockets("agent"), frame, from);
    if (visitor) this.publish(frame);
    else if (typingReachesVisitor(composing) || !typing) sendAll(this.ctx.getWebSockets("visitor"), frame);
  }
}
