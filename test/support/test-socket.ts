import type { ConversationSummary, Message, ServerFrame } from "../../src/protocol";

/**
 * A test-side WebSocket (workerd's or Node's, both standard) that queues the frames it receives and
 * waits for the ones a test expects. Plain Node imports it through the bench: erasable types only.
 */
export class TestSocket {
  readonly frames: ServerFrame[] = [];
  private waiters: (() => void)[] = [];
  closed: { code: number; reason: string } | null = null;
  pongs = 0;

  readonly ws: WebSocket;

  constructor(ws: WebSocket) {
    this.ws = ws;
    ws.addEventListener("message", (e) => {
      if (e.data === "pong") this.pongs++;
      else if (typeof e.data === "string") this.frames.push(JSON.parse(e.data) as ServerFrame);
      this.wake();
    });
    ws.addEventListener("close", (e) => {
      this.closed = { code: e.code, reason: e.reason };
      this.wake();
    });
  }

  /** Sends keep-alive pings like a real client, until the socket closes. */
  keepAlive(intervalMs: number): this {
    const timer = setInterval(() => {
      if (this.closed) clearInterval(timer);
      else if (this.ws.readyState === WebSocket.OPEN) this.ws.send("ping");
    }, intervalMs);
    this.ws.addEventListener("close", () => clearInterval(timer));
    return this;
  }

  private wake() {
    for (const w of this.waiters.splice(0)) w();
  }

  send(data: unknown) {
    this.ws.send(typeof data === "string" ? data : JSON.stringify(data));
  }

  /** Waits until a frame of `type` matching `match` has arrived, and returns it. */
  async next<T extends ServerFrame["type"]>(
    type: T,
    match: (f: Extract<ServerFrame, { type: T }>) => boolean = () => true,
    timeoutMs = 2000,
  ) {
    const find = () => this.frames.find((f) => f.type === type && match(f as Extract<ServerFrame, { type: T }>));
    await this.waitFor(() => find() !== undefined, `a ${type} frame`, timeoutMs);
    return find() as Extract<ServerFrame, { type: T }>;
  }

  async waitFor(condition: () => boolean, what: string, timeoutMs = 2000) {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline)
        throw new Error(`no ${what} within ${timeoutMs} ms; got ${JSON.stringify(this.frames)}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
  }

  messages(): Message[] {
    return this.frames.flatMap((f) => (f.type === "message" ? [f.message] : []));
  }

  summaries(): ConversationSummary[] {
    return this.frames.flatMap((f) => (f.type === "conversation" ? [f.conversation] : []));
  }

  close() {
    this.closed ??= { code: 1000, reason: "closed by test" };
    try {
      this.ws.close(1000, "done");
    } catch {}
  }
}
