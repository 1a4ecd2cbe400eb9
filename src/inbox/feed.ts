import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { now } from "../lib/clock";
import { GroupCommit } from "../lib/group-commit";
import { type AgentSession, closeBack, closeSessions, receive, type SessionsEnding, send, sendAll, sessionTags } from "../lib/socket-frames";
import { type ConversationSummary, PING, PONG, type ServerFrame } from "../protocol";
import { type IndexEntry, type IndexKeys, writeIndex } from "./conversation-index";
import { SessionSockets } from "./session-sockets";

// D1 takes up to 100 statements per batch; each conversation's write is one.
const INDEX_BATCH = 50;

/**
 * The live inbox feed: every signed-in agent's feed socket, and every change any conversation
 * publishes (new message, read, complete, reopen, presence, typing). It remembers which visitors are
 * online so a new socket starts with a presence snapshot. Every conversation's summary reaches the D1
 * index through here, so writes from many conversations are committed together. It also knows
 * where each agent session has sockets open, so a session that ends closes all of them (S9).
 */
export class InboxFeed extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly sessions: SessionSockets;
  private readonly index = new GroupCommit<IndexEntry>((entries) => writeIndex(this.env.DB, entries), INDEX_BATCH);

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec("CREATE TABLE IF NOT EXISTS online (conversation_id TEXT PRIMARY KEY)");
    this.sessions = new SessionSockets(this.sql);
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

  /** An agent opened a conversation socket with this session: it must close with the session. */
  async roomOpened(agentId: string, session: AgentSession, conversationId: string): Promise<void> {
    this.sessions.opened(agentId, session, conversationId);
    await this.scheduleExpiry();
  }

  /**
   * S9: sessions ended (sign-out, deactivation, a new password): every socket they opened closes now,
   * here and in each conversation, with CLOSE_SESSION_ENDED.
   */
  async endSessions(ending: SessionsEnding): Promise<void> {
    const keys = this.sessions.keys(ending);
    const rooms = this.sessions.conversations(keys);
    closeSessions(this.ctx, ending);
    const renewed = "keys" in ending && ending.renewed === true;
    await Promise.all(rooms.map((id) => this.env.CONVERSATIONS.getByName(id).endSessions({ keys, renewed })));
    this.sessions.forget(keys);
    await this.scheduleExpiry();
  }

  /** Sessions past their absolute limit end like any other (an open app keeps the idle limit away). */
  override async alarm(): Promise<void> {
    const expired = this.sessions.expired(now());
    if (expired.length) await this.endSessions({ keys: expired });
    else await this.scheduleExpiry();
  }

  private async scheduleExpiry(): Promise<void> {
    const next = this.sessions.nextExpiry();
    if (next === null) await this.ctx.storage.deleteAlarm();
    else if (next !== (await this.ctx.storage.getAlarm())) await this.ctx.storage.setAlarm(next);
  }

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade") !== "websocket") return new Response("Expected a WebSocket upgrade", { status: 426 });
    const { agentId, session } = JSON.parse(new URL(request.url).searchParams.get("identity")!) as { agentId: string; session: AgentSession };
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server, sessionTags(agentId, session));
    this.sessions.opened(agentId, session, null);
    await this.scheduleExpiry();
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
