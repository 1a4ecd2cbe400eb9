import { createConnection, createServer, type Server, type Socket } from "node:net";

/**
 * A TCP proxy in front of the server that can misbehave like a network: `stall()` stops forwarding
 * without closing anything (to the server, its clients look exactly like a tab whose device vanished:
 * no close frame, no FIN, silence); `drop()` cuts every connection, as a lost network or a deploy does;
 * while `refusing`, new connections are cut at once.
 */
export class StallingProxy {
  private readonly server: Server;
  private readonly pairs: [Socket, Socket][] = [];
  refusing = false;

  constructor(readonly target: { host: string; port: number }) {
    this.server = createServer((client) => {
      if (this.refusing) {
        client.destroy();
        return;
      }
      const upstream = createConnection(target);
      client.pipe(upstream);
      upstream.pipe(client);
      const swallow = () => {};
      client.on("error", swallow);
      upstream.on("error", swallow);
      this.pairs.push([client, upstream]);
    });
  }

  listen(): Promise<string> {
    return new Promise((resolve) => {
      this.server.listen(0, "127.0.0.1", () =>
        resolve(`127.0.0.1:${(this.server.address() as { port: number }).port}`),
      );
    });
  }

  /** Stops forwarding in both directions; both TCP connections stay open. */
  stall(): void {
    for (const [client, upstream] of this.pairs) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    }
  }

  drop(): void {
    for (const [client, upstream] of this.pairs.splice(0)) {
      client.destroy();
      upstream.destroy();
    }
  }

  close(): void {
    for (const [client, upstream] of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    this.server.close();
  }
}
