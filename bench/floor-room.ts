// The same-runtime floor of the chat figures (bench only, never deployed): the least a chat room on
// Durable Objects does for one message, through the same door as ours. An HTTP POST reaches the worker,
// which calls the room's object by RPC; the object inserts the message into its SQLite (the per-room
// sequence number is the rowid; a retried clientId gets the original back) and sends it to every socket
// it accepted (hibernating, `ping` answered by the runtime). The same envelope as ours (README "Socket
// protocol"). No auth, no validation beyond the shape, no index, no feed: what ours costs beyond this
// floor, in the same wrangler dev and under the same load, is what our code adds.
import { DurableObject } from "cloudflare:workers";
import { FLOOR_BINDING, FLOOR_MESSAGES_PATH, FLOOR_SOCKET_PATH } from "./bench-doors";

export interface FloorEnv {
  [FLOOR_BINDING]: DurableObjectNamespace<FloorRoom>;
}

type Role = "visitor" | "agent";
type Row = { seq: number; client_id: string; role: string; text: string; created_at: number };
const COLUMNS = "seq, client_id, role, text, created_at";

function message(room: string, r: Row) {
  const visitor = r.role === "visitor";
  return {
    id: `${room}-${r.seq}`,
    conversationId: room,
    seq: r.seq,
    clientId: r.client_id,
    channel: "chat",
    direction: visitor ? "inbound" : "outbound",
    author: { kind: visitor ? "visitor" : "agent", id: null, name: null },
    text: r.text,
    createdAt: r.created_at,
    status: "sent",
  };
}

export class FloorRoom extends DurableObject<FloorEnv> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: FloorEnv) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(
      "CREATE TABLE IF NOT EXISTS messages (seq INTEGER PRIMARY KEY, client_id TEXT NOT NULL UNIQUE, role TEXT NOT NULL, text TEXT NOT NULL, created_at INTEGER NOT NULL)",
    );
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  post(room: string, role: Role, clientId: string, text: string) {
    const inserted = this.sql
      .exec<Row>(
        `INSERT INTO messages (client_id, role, text, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (client_id) DO NOTHING RETURNING ${COLUMNS}`,
        clientId,
        role,
        text,
        Date.now(),
      )
      .toArray()[0];
    if (!inserted)
      return {
        message: message(
          room,
          this.sql.exec<Row>(`SELECT ${COLUMNS} FROM messages WHERE client_id = ?`, clientId).one(),
        ),
        duplicate: true,
      };
    const m = message(room, inserted);
    const frame = JSON.stringify({ type: "message", message: m });
    for (const ws of this.ctx.getWebSockets()) {
      try {
        ws.send(frame);
      } catch {}
    }
    return { message: m, duplicate: false };
  }

  override async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const room = url.searchParams.get("room")!;
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server);
    const { last } = this.sql.exec<{ last: number }>("SELECT coalesce(max(seq), 0) AS last FROM messages").one();
    server.send(JSON.stringify({ type: "welcome", conversationId: room, lastSeq: last }));
    for (const r of this.sql.exec<Row>(
      `SELECT ${COLUMNS} FROM messages WHERE seq > ? ORDER BY seq`,
      Number(url.searchParams.get("after") ?? 0),
    )) {
      server.send(JSON.stringify({ type: "message", message: message(room, r) }));
    }
    return new Response(null, { status: 101, webSocket: client });
  }

  // The door is HTTP: frames other than the runtime-answered ping are ignored.
  override async webSocketMessage(): Promise<void> {}

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, reason);
    } catch {}
  }
}

/** The worker's side of the floor: the two doors of bench-doors.ts; null for any other path. */
export async function floorFetch(request: Request, env: FloorEnv): Promise<Response | null> {
  const url = new URL(request.url);
  if (url.pathname !== FLOOR_MESSAGES_PATH && url.pathname !== FLOOR_SOCKET_PATH) return null;
  const room = url.searchParams.get("room");
  if (!room) return new Response("room required", { status: 400 });
  const stub = env[FLOOR_BINDING].getByName(room);
  if (url.pathname === FLOOR_SOCKET_PATH) {
    if (request.headers.get("upgrade") !== "websocket")
      return new Response("Expected a WebSocket upgrade", { status: 426 });
    return stub.fetch(request);
  }
  if (request.method !== "POST") return new Response("POST only", { status: 405 });
  const body = await request.json<{ clientId?: unknown; text?: unknown }>().catch(() => null);
  const text = typeof body?.text === "string" ? body.text.trim() : "";
  if (typeof body?.clientId !== "string" || !text) return Response.json({ error: "bad_request" }, { status: 400 });
  const posted = await stub.post(
    room,
    url.searchParams.get("role") === "agent" ? "agent" : "visitor",
    body.clientId,
    text,
  );
  return Response.json(posted, { status: posted.duplicate ? 200 : 201 });
}

// Its own worker too, so bench/bench-parts.test.ts can start the floor alone (bench-config.mjs).
export default {
  async fetch(request, env) {
    return (await floorFetch(request, env)) ?? new Response("Not found", { status: 404 });
  },
} satisfies ExportedHandler<FloorEnv>;
