import { type ClientFrame, parseClientFrame, type ServerFrame } from "../protocol";

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

/** Echoes a client's close (1005/1006 cannot be sent back) so the runtime can release the socket. */
export function closeBack(ws: WebSocket, code: number, reason: string): void {
  try {
    ws.close(code === 1005 || code === 1006 ? 1000 : code, reason);
  } catch {}
}
