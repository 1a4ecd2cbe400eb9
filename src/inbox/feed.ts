import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { now } from "../lib/clock";
import { GroupCommit } from "../lib/group-commit";
import {
  type AgentSession,
  closeBack,
  closeSessions,
  receive,
  type SessionsEnding,
  send,
  sendAll,
  sessionTags,
} from "../lib/socket-frames";
import {
  type AgentRef,
  type AgentStatus,
  CLOSE_STALE,
  type ConversationSummary,
  PING,
  PONG,
  type ServerFrame,
} from "../protocol";
import { type IndexEntry, type IndexKeys, writeIndex } from "./conversation-index";
import { type SearchItem, writeSearch } from "../search/documents";
import { type AssignmentSettings, AutoAssign, DEFAULT_ASSIGNMENT } from "./auto-assign";
import { Availability, SILENT_MS } from "./availability";
import { notify } from "../notifications/store";
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
/** Who opens a feed socket: the worker states it (the agent, their availability choice, their session). */
export interface FeedIdentity {
  agent: AgentRef;
  choice: "online" | "away";
  session: AgentSession;
}

function connectedAt(ws: WebSocket): number {
  return (ws.deserializeAttachment() as { connectedAt?: number } | null)?.connectedAt ?? 0;
}

/** The admin's auto-assignment setting (S32), from D1; off until an admin turns it on. */
export async function loadAssignmentSettings(db: D1Database): Promise<AssignmentSettings> {
  const row = await db
    .prepare("SELECT value FROM workspace_settings WHERE key = 'assignment'")
    .first<{ value: string }>();
  return row
    ? { ...DEFAULT_ASSIGNMENT, ...(JSON.parse(row.value) as Partial<AssignmentSettings>) }
    : DEFAULT_ASSIGNMENT;
}

export class InboxFeed extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly sessions: SessionSockets;
  private readonly availability: Availability;
  private readonly autoAssign: AutoAssign;
  private settings: AssignmentSettings | null = null;
  private published = "";
  // Both indexes in one commit (S41): a batch that fails in either is retried by its conversations, whole.
  private readonly index = new GroupCommit<IndexEntry>(
    (entries) => Promise.all([writeIndex(this.env.DB, entries), writeSearch(this.env.SEARCH, entries)]),
    INDEX_BATCH,
  );

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec("CREATE TABLE IF NOT EXISTS online (conversation_id TEXT PRIMARY KEY)");
    this.sql.exec("CREATE TABLE IF NOT EXISTS viewers (conversation_id TEXT PRIMARY KEY, frame TEXT NOT NULL)");
    this.sql.exec(
      "CREATE TABLE IF NOT EXISTS inbound (conversation_id TEXT PRIMARY KEY, last_inbound_at INTEGER NOT NULL)",
    );
    this.sessions = new SessionSockets(this.sql);
    this.availability = new Availability(ctx, (ws) =>
      Math.max(ctx.getWebSocketAutoResponseTimestamp(ws)?.getTime() ?? 0, connectedAt(ws)),
    );
    this.autoAssign = new AutoAssign(this.sql);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING, PONG));
  }

  publish(frame: ServerFrame): void {
    sendAll(this.ctx.getWebSockets(), frame);
    // S37's markers are kept for the feed sockets that open later (the list rows show them).
    if (frame.type === "viewers") {
      if (frame.viewers.length)
        this.sql.exec(
          "INSERT INTO viewers VALUES (?, ?) ON CONFLICT (conversation_id) DO UPDATE SET frame = excluded.frame",
          frame.conversationId,
          JSON.stringify(frame),
        );
      else this.sql.exec("DELETE FROM viewers WHERE conversation_id = ?", frame.conversationId);
    }
  }

  /** A frame for these agents only, on every app they have open (S34's notices). */
  notify(agentIds: string[], frame: ServerFrame): void {
    for (const id of agentIds) sendAll(this.ctx.getWebSockets(`a:${id}`), frame);
  }

  /**
   * A conversation changed: every agent's feed hears it now, and the D1 index gets the summary (and the
   * search index its new items, S41) in the next group commit. Resolves once D1 has it; rejects if that
   * batch failed (the room retries).
   */
  async conversationChanged(summary: ConversationSummary, keys: IndexKeys, items: SearchItem[] = []): Promise<void> {
    this.publish({ type: "conversation", conversation: summary });
    const { arrives } = this.autoAssign.seen(summary, now());
    const wrote = this.customerWrote(summary);
    this.ctx.waitUntil(this.place().then(() => this.tellAgents(summary, arrives, wrote)));
    await this.index.add({ summary, keys, items });
  }

  /** Whether this summary brings a customer message the feed has not seen yet. */
  private customerWrote(s: ConversationSummary): boolean {
    if (s.lastInboundAt === null) return false;
    const before =
      this.sql
        .exec<{ at: number }>("SELECT last_inbound_at AS at FROM inbound WHERE conversation_id = ?", s.id)
        .toArray()[0]?.at ?? 0;
    if (s.lastInboundAt <= before) return false;
    this.sql.exec(
      "INSERT INTO inbound VALUES (?, ?) ON CONFLICT (conversation_id) DO UPDATE SET last_inbound_at = excluded.last_inbound_at",
      s.id,
      s.lastInboundAt,
    );
    return true;
  }

  /** The agents with the conversation on screen now: nothing notifies them about it (S39). */
  private viewing(conversationId: string): Set<string> {
    const row = this.sql
      .exec<{ frame: string }>("SELECT frame FROM viewers WHERE conversation_id = ?", conversationId)
      .toArray()[0];
    const viewers = row ? (JSON.parse(row.frame) as Extract<ServerFrame, { type: "viewers" }>).viewers : [];
    return new Set(viewers.filter((v) => v.state === "viewing").map((v) => v.agentId));
  }

  /**
   * S39: a new conversation nobody could take goes to everyone available; a customer's message to the
   * owner, or, in an unassigned one, to those available who asked for it.
   */
  private async tellAgents(s: ConversationSummary, arrives: boolean, wrote: boolean): Promise<void> {
    if (!arrives && !wrote) return;
    const looking = this.viewing(s.id);
    const available = this.availability.available(now()).map((a) => a.id);
    const notice = {
      conversationId: s.id,
      seq: s.lastSeq,
      actor: s.contact?.name ?? s.contact?.email ?? s.personName,
      preview: s.preview,
    };
    const to = (ids: string[]) => ids.filter((id) => !looking.has(id));
    try {
      if (arrives && this.autoAssign.waiting(s.id))
        await notify(this.env, to(available), { kind: "unassigned_new", ...notice }, this);
      else if (wrote && !arrives && s.assignee)
        await notify(this.env, to([s.assignee.id]), { kind: "customer_message", ...notice }, this);
      else if (wrote && !arrives)
        await notify(this.env, to(available), { kind: "unassigned_message", ...notice }, this);
    } catch (err) {
      console.error("notifications failed", s.id, err);
    }
  }

  // ---- availability and auto-assignment (S32) ----

  /** The team's statuses, for the agents list. */
  statuses(): Record<string, AgentStatus> {
    return this.availability.statuses(now());
  }

  /** An agent chose online or away (their app is open, so that is what they are now). */
  async setAvailability(agent: AgentRef, choice: "online" | "away"): Promise<void> {
    this.availability.chose(agent.id, agent.name, choice);
    this.publishStatuses();
    await this.place();
  }

  /** An admin changed auto-assignment: it applies to what waits at once. */
  async assignmentChanged(settings: AssignmentSettings): Promise<void> {
    this.settings = settings;
    await this.place();
  }

  /** These conversations lost their owner (deactivated): they wait for a new one. */
  async requeue(conversationIds: string[]): Promise<void> {
    this.autoAssign.requeue(conversationIds, now());
    await this.place();
  }

  /** Places what waits, if anyone can take it: decided here, then told to each conversation. */
  private async place(): Promise<void> {
    this.settings ??= await loadAssignmentSettings(this.env.DB);
    if (this.settings.mode === "off") return;
    const placements = this.autoAssign.place(this.settings, this.availability.available(now()), now());
    const system = { kind: "system" as const, id: null, name: null };
    await Promise.all(
      placements.map(async ({ conversationId, to }) => {
        let confirmed: ConversationSummary | null = null;
        try {
          confirmed = (await this.env.CONVERSATIONS.getByName(conversationId).assign(to, system))?.conversation ?? null;
        } catch (err) {
          console.error("auto-assignment failed", conversationId, err);
        }
        this.autoAssign.placed(conversationId, confirmed, now());
        if (confirmed?.assignee?.id === to.id) {
          await notify(
            this.env,
            [to.id],
            { kind: "assigned", conversationId, seq: confirmed.lastSeq, actor: null, preview: confirmed.preview },
            this,
          ).catch((err) => console.error("notifications failed", conversationId, err));
        }
      }),
    );
  }

  private publishStatuses(except?: WebSocket): void {
    const statuses = this.availability.statuses(now(), except);
    const text = JSON.stringify(statuses);
    if (text === this.published) return;
    this.published = text;
    for (const ws of this.ctx.getWebSockets()) if (ws !== except) send(ws, { type: "availability", statuses });
  }

  setPresence(conversationId: string, online: boolean): void {
    if (online) this.sql.exec("INSERT INTO online (conversation_id) VALUES (?) ON CONFLICT DO NOTHING", conversationId);
    else this.sql.exec("DELETE FROM online WHERE conversation_id = ?", conversationId);
    this.publish({ type: "presence", conversationId, visitorOnline: online });
  }

  online(): string[] {
    return this.sql
      .exec<{ conversation_id: string }>("SELECT conversation_id FROM online")
      .toArray()
      .map((r) => r.conversation_id);
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

  /**
   * Two timers on one alarm: sessions past their absolute limit end like any other (an open app keeps
   * the idle limit away), and while apps are open, a sweep closes the ones gone silent (S32: a laptop
   * that slept is offline within a minute).
   */
  override async alarm(): Promise<void> {
    const at = now();
    const expired = this.sessions.expired(at);
    if (expired.length) await this.endSessions({ keys: expired });
    for (const ws of this.ctx.getWebSockets()) {
      if (at - Math.max(this.ctx.getWebSocketAutoResponseTimestamp(ws)?.getTime() ?? 0, connectedAt(ws)) >= SILENT_MS) {
        try {
          ws.close(CLOSE_STALE, "No keep-alive received");
        } catch {}
      }
    }
    this.publishStatuses();
    await this.scheduleExpiry();
  }

  private async scheduleExpiry(): Promise<void> {
    const due = [this.sessions.nextExpiry(), this.ctx.getWebSockets().length ? now() + SILENT_MS / 3 : null].filter(
      (d): d is number => d !== null,
    );
    if (due.length === 0) await this.ctx.storage.deleteAlarm();
    else {
      const next = Math.min(...due);
      const current = await this.ctx.storage.getAlarm();
      if (current === null || next < current || current < now()) await this.ctx.storage.setAlarm(next);
    }
  }

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade") !== "websocket")
      return new Response("Expected a WebSocket upgrade", { status: 426 });
    const { agent, choice, session } = JSON.parse(new URL(request.url).searchParams.get("identity")!) as FeedIdentity;
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server, sessionTags(agent.id, session));
    server.serializeAttachment({ connectedAt: now() });
    this.sessions.opened(agent.id, session, null);
    this.availability.chose(agent.id, agent.name, choice);
    await this.scheduleExpiry();
    send(server, { type: "snapshot", online: this.online() });
    for (const { frame } of this.sql.exec<{ frame: string }>("SELECT frame FROM viewers"))
      send(server, JSON.parse(frame) as ServerFrame);
    this.published = "";
    this.publishStatuses();
    // Someone came online: what waits for an owner may go to them.
    this.ctx.waitUntil(this.place());
    return new Response(null, { status: 101, webSocket: client });
  }

  /** Agents only listen here; anything but a keep-alive ping gets an error frame. */
  override async webSocketMessage(ws: WebSocket, raw: string | ArrayBuffer): Promise<void> {
    if (receive(ws, raw)) send(ws, { type: "error", code: "not_allowed", message: "The inbox feed is read-only" });
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    closeBack(ws, code, reason);
    this.publishStatuses(ws);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    this.publishStatuses(ws);
  }
}
