// The floor the bench compares us with: a minimal raw WebSocket chat server in Node (`ws`), with the
// same envelope as the worker's rooms (README "Socket protocol"): `ping` → `pong`, a `welcome` frame,
// `{type:"send", clientId, text}` in, `{type:"message", message:{seq, …}}` out to everyone in the
// room, gap-free sequence numbers, retried clientIds answered with the original, and an in-memory log.
// No storage, no auth, no index, no feed: what it costs us beyond this is what our code adds.
//
// Run alone: `node bench/baseline-server.mjs [port]` prints `listening <port>` (the bench runs it in a
// child process, so it never shares an event loop with the load generator).
import { randomUUID } from "node:crypto";
import { WebSocketServer } from "ws";

const CLIENT_ID = /^[A-Za-z0-9_-]{8,64}$/;
const MAX_TEXT_CHARS = 5000; // src/protocol MAX_TEXT_CHARS

/** Starts the server; resolves once it listens. Rooms are named by the `room` query parameter. */
export function startBaselineServer({ port = 0, host = "127.0.0.1" } = {}) {
  const rooms = new Map();
  const room = (id) => {
    let r = rooms.get(id);
    if (!r) rooms.set(id, (r = { seq: 0, log: [], byClientId: new Map(), sockets: new Set() }));
    return r;
  };
  const wss = new WebSocketServer({ port, host, perMessageDeflate: false });
  wss.on("connection", (ws, req) => {
    const url = new URL(req.url ?? "/", "http://baseline");
    const id = url.searchParams.get("room") ?? "default";
    const role = url.searchParams.get("role") === "agent" ? "agent" : "visitor";
    const r = room(id);
    r.sockets.add(ws);
    ws.on("close", () => r.sockets.delete(ws));
    ws.send(JSON.stringify({ type: "welcome", conversationId: id, lastSeq: r.seq }));
    const after = Number(url.searchParams.get("after") ?? 0);
    for (const message of r.log) if (message.seq > after) ws.send(JSON.stringify({ type: "message", message }));
    ws.on("message", (data, isBinary) => {
      const raw = isBinary ? "" : data.toString();
      if (raw === "ping") return ws.send("pong");
      let frame;
      try {
        frame = JSON.parse(raw);
      } catch {
        return ws.send(JSON.stringify({ type: "error", code: "bad_frame" }));
      }
      const text = typeof frame?.text === "string" ? frame.text.trim() : "";
      if (frame?.type !== "send" || typeof frame.clientId !== "string" || !CLIENT_ID.test(frame.clientId) || !text || text.length > MAX_TEXT_CHARS) {
        return ws.send(JSON.stringify({ type: "error", code: "bad_frame" }));
      }
      const retried = r.byClientId.get(frame.clientId);
      if (retried) return ws.send(JSON.stringify({ type: "message", message: retried }));
      const message = {
        id: randomUUID(),
        conversationId: id,
        seq: ++r.seq,
        clientId: frame.clientId,
        channel: "chat",
        direction: role === "visitor" ? "inbound" : "outbound",
        author: { kind: role, id: null, name: null },
        text,
        createdAt: Date.now(),
        status: "sent",
      };
      r.log.push(message);
      r.byClientId.set(message.clientId, message);
      const out = JSON.stringify({ type: "message", message });
      for (const s of r.sockets) if (s.readyState === s.OPEN) s.send(out);
    });
  });
  return new Promise((resolve, reject) => {
    wss.once("error", reject);
    wss.once("listening", () => {
      const address = wss.address();
      resolve({
        port: address.port,
        url: `ws://${host}:${address.port}`,
        rooms,
        close: () => new Promise((done) => {
          for (const ws of wss.clients) ws.terminate();
          wss.close(() => done());
        }),
      });
    });
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const server = await startBaselineServer({ port: Number(process.argv[2] ?? 0) });
  console.log(`listening ${server.port}`);
  process.on("SIGTERM", () => server.close().then(() => process.exit(0)));
}
