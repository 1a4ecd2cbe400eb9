// The client's transport in Node (the end-to-end tests and the bench): real HTTP with the global fetch,
// sockets with the built-in WebSocket, which takes headers in its init as undici's does.
import { request } from "node:http";
import type { Transport } from "./client.ts";
import { TestSocket } from "./test-socket.ts";

export const nodeTransport: Transport = {
  fetch: (req) => fetch(req),
  socket: (url, headers) =>
    new Promise((resolve) => {
      const ws = new WebSocket(url, { headers } as unknown as string[]);
      // Wrapped before it opens, so no frame can arrive unseen.
      const socket = new TestSocket(ws);
      let opened = false;
      ws.addEventListener("open", () => {
        opened = true;
        resolve(socket);
      });
      // Node's WebSocket does not say why an upgrade failed: ask again over plain HTTP for the status.
      ws.addEventListener("error", () => {
        if (!opened) resolve(upgradeStatus(url, headers));
      });
    }),
};

function upgradeStatus(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url.replace(/^ws/, "http"), {
      headers: {
        ...headers,
        connection: "Upgrade",
        upgrade: "websocket",
        "sec-websocket-version": "13",
        "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
      },
    });
    req.on("response", (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on("upgrade", (_res, socket) => {
      socket.destroy();
      resolve(101);
    });
    req.on("error", reject);
    req.end();
  });
}
