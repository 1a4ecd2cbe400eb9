import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { PING, PONG, type ConversationSummary, type ServerFrame } from "../protocol";
import { closeBack, receive, send, sendAll } from "../lib/socket-frames";
import { GroupCommit } from "../lib/group-commit";
import { type IndexEntry, type IndexKeys, writeIndex } from "./conversation-index";

// D1 takes up to 100 statements per batch; each conversation's write is one.
const INDEX_BATCH = 50;

/** The workspace's one feed object. There is one workspace per deployment. */
export function feedStub(env: Env) {
  return env.INBOX_FEED.getByName("workspace");
}

/**
 * The live inbox feed: every signed-in agent's feed socket, and every change any conversation
 * publishes (new message, read, complete, reopen, presence, typing). It remembers which visitors are
 * online so a new socket starts with a presence snapshot. Every conversation's summary reaches the D1
 * index through here, so writes from many conversations are committed together.
 */
export class InboxFeed extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly index = new GroupCommit<IndexEntry>((entries) => writeIndex(this.env.DB, entries), INDEX_BATCH);

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec("CREATE TABLE IF NOT EXISTS online (conversation_id TEXT PRIMARY KEY)");
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING, PONG));
  }

  publish(frame: ServerFrame): void {
    sendAll(this.ctx.getWebSockets(), frame);
  }

  /**
   * A conversation changed: every agent's feed hears it now, and the D1 index gets the summary in the
   * next group commit. Resolves once D1 has it; rejects if that batch failed (the room retries).
   */
  async conversationChanged(summary: ConversationSummary, keys: IndexKeys): Promise<void> {
    this.publish({ type: "conversation", conversation: summary });
    await this.index.add({ summary, keys });
  }

  setPresence(conversationId: string, online: boolean): void {
    if (online) this.sql.exec("INSERT INTO online (conversation_id) VALUES (?) ON CONFLICT DO NOTHING", conversationId);
    else this.sql.exec("DELETE FROM online WHERE conversation_id = ?", conversationId);
    this.publish({ type: "presence", conversationId, visitorOnline: online });
  }

  online(): string[] {
    return this.sql.exec<{ conversation_id: string }>("SELECT conversation_id FROM online").toArray().map((r) => r.conversation_id);
  }

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade") !== "websocket") return new Response("Expected a WebSocket upgrade", { status: 426 });
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server);
    send(server, { type: "snapshot", online: this.online() });
    return new Response(null, { status: 101, webSocket: client });
  }

  /** Agents only listen here; anything but a keep-alive ping gets an error frame. */
  override async webSocketMessage(ws: WebSocket, raw: string | ArrayBuffer): Promise<void> {
    if (receive(ws, raw)) send(ws, { type: "error", code: "not_allowed", message: "The inbox feed is read-only" });
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    closeBack(ws, code, reason);
  }
}
