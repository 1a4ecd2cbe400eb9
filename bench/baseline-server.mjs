// The machine's physical floor for the chat figures: a minimal raw chat server in Node (`http` + `ws`),
// with the same doors and envelope as the worker's rooms (README "Socket protocol"): messages are posted
// over HTTP (`POST /messages?room=&role=` with `{clientId, text}`: 201 `{message, duplicate: false}`, a
// retried clientId 200 with the original), and received over a socket (`/?room=&role=&after=`): `ping` →
// `pong`, a `welcome` frame, then `{type:"message", message:{seq, …}}` to everyone in the room, gap-free
// sequence numbers, an in-memory log. No storage, no auth, no index, no feed, not even a Durable Object.
//
// Run alone: `node bench/baseline-server.mjs [port]` prints `listening <port>` (the bench runs it in a
// child process, so it never shares an event loop with the load generator).
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { WebSocketServer } from "ws";

const CLIENT_ID = /^[A-Za-z0-9_-]{8,64}$/;
const MAX_TEXT_CHARS = 5000; // src/protocol MAX_TEXT_CHARS

function reply(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/** Starts the server; resolves once it listens. Rooms are named by the `room` query parameter. */
export function startBaselineServer({ port = 0, host = "127.0.0.1" } = {}) {
  const rooms = new Map();
  const room = (id) => {
    let r = rooms.get(id);
    if (!r) {
      r = { seq: 0, log: [], byClientId: new Map(), sockets: new Set() };
      rooms.set(id, r);
    }
    return r;
  };
  const post = (id, role, body) => {
    const text = typeof body?.text === "string" ? body.text.trim() : "";
    if (typeof body?.clientId !== "string" || !CLIENT_ID.test(body.clientId) || !text || text.length > MAX_TEXT_CHARS)
      return [400, { error: "bad_request" }];
    const r = room(id);
    const retried = r.byClientId.get(body.clientId);
    if (retried) return [200, { message: retried, duplicate: true }];
    const message = {
      id: randomUUID(),
      conversationId: id,
      seq: ++r.seq,
      clientId: body.clientId,
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
    return [201, { message, duplicate: false }];
  };

  const http = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://baseline");
    if (req.method !== "POST" || url.pathname !== "/messages") return reply(res, 404, { error: "not_found" });
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (d) => (raw += d));
    req.on("end", () => {
      let body = null;
      try {
        body = JSON.parse(raw);
      } catch {}
      const role = url.searchParams.get("role") === "agent" ? "agent" : "visitor";
      reply(res, ...post(url.searchParams.get("room") ?? "default", role, body));
    });
  });
  http.keepAliveTimeout = 60_000;

  const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
  wss.on("connection", (ws, req) => {
    const url = new URL(req.url ?? "/", "http://baseline");
    const id = url.searchParams.get("room") ?? "default";
    const r = room(id);
    r.sockets.add(ws);
    ws.on("close", () => r.sockets.delete(ws));
    ws.send(JSON.stringify({ type: "welcome", conversationId: id, lastSeq: r.seq }));
    const after = Number(url.searchParams.get("after") ?? 0);
    for (const message of r.log) if (message.seq > after) ws.send(JSON.stringify({ type: "message", message }));
    // Messages come over HTTP: any frame but `ping` is refused, as the worker's rooms do.
    ws.on("message", (data, isBinary) => {
      if (!isBinary && data.toString() === "ping") return ws.send("pong");
      ws.send(JSON.stringify({ type: "error", code: "bad_frame" }));
    });
  });
  return new Promise((resolve, reject) => {
    http.once("error", reject);
    http.listen(port, host, () => {
      const address = http.address();
      resolve({
        port: address.port,
        url: `http://${host}:${address.port}`,
        rooms,
        close: () =>
          new Promise((done) => {
            for (const ws of wss.clients) ws.terminate();
            wss.close();
            http.closeAllConnections();
            http.close(() => done());
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
