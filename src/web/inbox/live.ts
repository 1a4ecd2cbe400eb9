import { CLOSE_SESSION_ENDED, CLOSE_SESSION_RENEWED, PING, PING_INTERVAL_MS, type ServerFrame } from "../../protocol";
import { sessionEnded } from "./api";

/**
 * A WebSocket that stays connected: it pings to stay alive, and after a drop (a lost network, a
 * deploy that closes every socket) it reconnects with jittered exponential backoff. The URL is
 * computed at each attempt so a conversation socket resumes after the last sequence it saw. A socket
 * closed because the session ended never reconnects: the app goes back to sign-in (S9).
 */
export class LiveSocket {
  private ws: WebSocket | null = null;
  private attempt = 0;
  private stopped = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly url: () => string,
    private readonly onFrame: (frame: ServerFrame) => void,
    private readonly onConnection: (connected: boolean) => void = () => {},
  ) {
    this.connect();
  }

  send(frame: unknown): boolean {
    if (this.ws?.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.pingTimer);
    this.ws?.close(1000, "done");
  }

  private connect(): void {
    const path = this.url();
    const ws = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${path}`);
    this.ws = ws;
    ws.addEventListener("open", () => {
      this.attempt = 0;
      this.onConnection(true);
      this.pingTimer = setInterval(() => ws.readyState === WebSocket.OPEN && ws.send(PING), PING_INTERVAL_MS);
    });
    ws.addEventListener("message", (e) => {
      if (typeof e.data !== "string" || e.data === "pong") return;
      this.onFrame(JSON.parse(e.data) as ServerFrame);
    });
    ws.addEventListener("close", (e) => {
      clearInterval(this.pingTimer);
      if (this.stopped) return;
      if (e.code === CLOSE_SESSION_ENDED) return sessionEnded();
      this.onConnection(false);
      const delay =
        e.code === CLOSE_SESSION_RENEWED ? 0 : Math.min(15_000, 500 * 2 ** this.attempt++) * (0.5 + Math.random() / 2);
      this.retryTimer = setTimeout(() => this.connect(), delay);
    });
  }
}
