import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { feedStub } from "../inbox/feed";
import { now } from "../lib/clock";
import { type Author, PING, PONG, type ContactRef, type ConversationStatus, type ConversationSummary, type Message, type ServerFrame } from "../protocol";
import type { MessengerEvent } from "../channels/messenger/events";
import { ingestEmailMessage, markBounced, sendEmailReply } from "./email";
import { ingestMessengerEvents, sendMessengerReply } from "./messenger";
import type { Reply, RoomAccess } from "./room-access";
import { presenceTimings, type PresenceTimings } from "./presence";
import { attachment, CLOSE_STALE, lastSeen, receive, send, sendAll, type SocketIdentity } from "./sockets";
import {
  type ConversationInit,
  type ConversationState,
  insertConversation,
  insertMessage,
  listMessages,
  type MessagePage,
  messageByClientId,
  migrate,
  type NewMessage,
  readState,
  summarize,
  updateConversation,
} from "./storage";

const PREVIEW_CHARS = 140;
const INDEX_RETRY_MAX_MS = 5 * 60_000;

export interface Posted {
  message: Message;
  /** True when this client id was seen before: `message` is the original, nothing new was stored. */
  duplicate: boolean;
}

/**
 * One conversation: its messages (with gap-free sequence numbers), its live sockets (visitor and
 * agents, hibernating), the visitor's presence, and the outbox that keeps the D1 index in step.
 * Spoken to by RPC; only WebSocket upgrades arrive through `fetch`, already authenticated by the worker.
 */
export class ConversationRoom extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly timings: PresenceTimings;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.timings = presenceTimings(env);
    migrate(this.sql);
    // Keep-alive pings are answered by the runtime without waking the object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING, PONG));
  }

  // ---- RPC ----

  /** Creates the conversation if it does not exist yet; returns its summary either way. */
  ensure(init: ConversationInit): ConversationSummary {
    insertConversation(this.sql, init, now());
    return summarize(this.state());
  }

  /** The conversation, or null if it was never created. */
  snapshot(): { conversation: ConversationSummary; visitorOnline: boolean } | null {
    const s = readState(this.sql);
    return s ? { conversation: summarize(s), visitorOnline: s.visitorOnline } : null;
  }

  /** Null when the conversation was never created (so callers need no separate existence check). */
  history(page: MessagePage): Message[] | null {
    const id = this.conversationId();
    return id ? listMessages(this.sql, id, page) : null;
  }

  /** Stores a message once per client id and delivers it (see `record`). */
  post(input: NewMessage, init?: ConversationInit): Posted | null {
    if (init) insertConversation(this.sql, init, now());
    const id = this.conversationId();
    if (!id) return null;
    if (input.clientId) {
      const original = messageByClientId(this.sql, id, input.clientId);
      if (original) return { message: original, duplicate: true };
    }
    return { message: this.record(id, input), duplicate: false };
  }

  /** An agent's web chat reply; refused when the conversation has no web chat visitor. Null: no conversation. */
  replyChat(input: { clientId: string; text: string; author: Author }): Reply | null {
    const s = readState(this.sql);
    if (!s) return null;
    if (!s.visitorKey) return { ok: false, reason: "This conversation has no web chat visitor." };
    const posted = this.post({ ...input, channel: "chat", direction: "outbound" })!;
    return { ok: true, ...posted };
  }

  /** S25–S27: a batch of one person's Messenger events, each applied once. */
  ingestMessenger(events: MessengerEvent[], init: ConversationInit): { needsName: boolean } {
    insertConversation(this.sql, init, now());
    ingestMessengerEvents(this.access(), events);
    return { needsName: this.state().personName === null };
  }

  /** S26: an agent's Messenger reply, sent through the Send API within Meta's window. Null: no conversation. */
  async replyMessenger(input: { clientId: string; text: string; author: Author }): Promise<Reply | null> {
    if (!this.conversationId()) return null;
    return sendMessengerReply(this.access(), this.env, input);
  }

  /** An inbound email (S18–S23), stored once per Message-ID. Null: a repeat, nothing stored. */
  ingestEmail(input: NewMessage & { externalId: string }, init: ConversationInit): Message | null {
    insertConversation(this.sql, init, now());
    return ingestEmailMessage(this.access(), input);
  }

  /** S20: an agent's email reply. Null: no conversation. */
  async replyEmail(input: { clientId: string; text: string; author: Author }): Promise<Reply | null> {
    if (!this.conversationId()) return null;
    return sendEmailReply(this.access(), this.env, input);
  }

  /** S23: a permanent bounce marks our reply failed. */
  bounced(messageId: string, reason: string): Message | null {
    return this.conversationId() ? markBounced(this.access(), messageId, reason) : null;
  }

  /** The Messenger person's name, from their profile (or their id when it cannot be fetched). */
  setPersonName(name: string): void {
    if (this.state().personName !== name) {
      updateConversation(this.sql, { person_name: name });
      this.changed();
    }
  }

  /** S4: an agent opened it, so it is Read for everyone. */
  markRead(): ConversationSummary | null {
    return this.change({ read: 1 }, (s) => !s.read);
  }

  /** S5: complete or reopen. */
  setStatus(status: ConversationStatus): ConversationSummary | null {
    return this.change({ status }, (s) => s.status !== status);
  }

  /**
   * S16: links the conversation to a contact. A proven link (a signed identity) is never replaced by
   * an address a visitor typed: `linked` is false then. Null when the conversation does not exist.
   */
  linkContact(contact: ContactRef): { linked: boolean; conversation: ConversationSummary } | null {
    const s = readState(this.sql);
    if (!s) return null;
    if (s.contact?.verified && !contact.verified) return { linked: false, conversation: summarize(s) };
    const same = s.contact?.id === contact.id && s.contact.verified === contact.verified && s.contact.name === contact.name;
    if (!same) {
      updateConversation(this.sql, { contact: JSON.stringify(contact) });
      this.changed();
    }
    return { linked: true, conversation: summarize(this.state()) };
  }

  // ---- sockets ----

  override async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (request.headers.get("upgrade") !== "websocket") return new Response("Expected a WebSocket upgrade", { status: 426 });
    const s = readState(this.sql);
    if (!s) return new Response("No such conversation", { status: 404 });
    const identity = JSON.parse(url.searchParams.get("identity")!) as SocketIdentity;
    const after = Number(url.searchParams.get("after") ?? 0);

    const { 0: client, 1: server } = new WebSocketPair();
    const at = now();
    this.ctx.acceptWebSocket(server, [identity.role]);
    server.serializeAttachment({ ...identity, connectedAt: at, lastFrameAt: at });

    const visitor = identity.role === "visitor";
    if (visitor) this.visitorArrived();
    const state = this.state();
    send(server, {
      type: "welcome",
      conversationId: state.id,
      lastSeq: state.lastSeq,
      visitorOnline: state.visitorOnline,
      conversation: visitor ? null : summarize(state),
    });
    for (const message of listMessages(this.sql, state.id, { after, limit: 10_000, chatOnly: visitor })) {
      send(server, { type: "message", message });
    }
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, raw: string | ArrayBuffer): Promise<void> {
    const who = attachment(ws);
    ws.serializeAttachment({ ...who, lastFrameAt: now() });
    const frame = receive(ws, raw);
    if (!frame) return;
    const id = this.conversationId()!;
    if (frame.type === "typing") {
      const typing: ServerFrame = { type: "typing", conversationId: id, who: who.role, agentName: who.agentName, typing: frame.typing };
      sendAll(this.ctx.getWebSockets(), typing, ws);
      if (who.role === "visitor") this.publish(typing);
      return;
    }
    const posted = this.post({
      clientId: frame.clientId,
      channel: "chat",
      direction: who.role === "visitor" ? "inbound" : "outbound",
      author: who.role === "visitor" ? { kind: "visitor", id: null, name: null } : { kind: "agent", id: who.agentId, name: who.agentName },
      text: frame.text,
    });
    // A retried send: only the sender needs the original again; everyone else already has it.
    if (posted?.duplicate) send(ws, { type: "message", message: posted.message });
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, reason);
    } catch {}
    if (attachment(ws).role === "visitor") this.visitorLeft(ws);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    if (attachment(ws).role === "visitor") this.visitorLeft(ws);
  }

  /** One alarm serves three timers: the presence grace period, the ghost sweep, and index retries. */
  override async alarm(): Promise<void> {
    const s = readState(this.sql);
    if (!s) return;
    const at = now();
    if (s.visitorOnline) this.sweepGhosts(at);
    const after = this.state();
    if (after.visitorOnline && after.visitorOfflineAt !== null && after.visitorOfflineAt <= at && this.liveVisitors().length === 0) {
      this.setPresence(false);
    }
    if (after.indexedVersion < after.version && (after.indexRetryAt ?? 0) <= at) await this.syncIndex();
    await this.scheduleAlarm();
  }

  // ---- presence (S3) ----

  private liveVisitors(except?: WebSocket): WebSocket[] {
    return this.ctx.getWebSockets("visitor").filter((ws) => ws !== except && ws.readyState === WebSocket.OPEN);
  }

  private visitorArrived(): void {
    const s = this.state();
    if (s.visitorOfflineAt !== null) updateConversation(this.sql, { visitor_offline_at: null }, false);
    if (!s.visitorOnline) this.setPresence(true);
    void this.scheduleAlarm();
  }

  /** The last page closed: stay online through the grace period, so moving between pages does not flicker. */
  private visitorLeft(ws: WebSocket): void {
    if (this.liveVisitors(ws).length > 0 || !this.state().visitorOnline) return;
    updateConversation(this.sql, { visitor_offline_at: now() + this.timings.graceMs }, false);
    void this.scheduleAlarm();
  }

  /** Closes visitor sockets that stopped pinging (a killed tab, a lost network): no close frame ever comes. */
  private sweepGhosts(at: number): void {
    for (const ws of this.liveVisitors()) {
      if (at - lastSeen(this.ctx, ws) > this.timings.staleMs) {
        try {
          ws.close(CLOSE_STALE, "No keep-alive received");
        } catch {}
      }
    }
    // A vanished tab gets no grace period: it is not coming back from another page.
    if (this.liveVisitors().length === 0 && this.state().visitorOfflineAt === null) this.setPresence(false);
  }

  private setPresence(online: boolean): void {
    updateConversation(this.sql, { visitor_online: online ? 1 : 0, visitor_offline_at: null }, false);
    const id = this.conversationId()!;
    sendAll(this.ctx.getWebSockets("agent"), { type: "presence", conversationId: id, visitorOnline: online });
    this.ctx.waitUntil(
      feedStub(this.env)
        .setPresence(id, online)
        .catch((err) => console.error("feed presence failed", id, err)),
    );
  }

  // ---- changes, the index outbox and the feed ----

  private state(): ConversationState {
    const s = readState(this.sql);
    if (!s) throw new Error("conversation not created");
    return s;
  }

  /** The id never changes once created, so it is read from storage once per wake. */
  private id: string | null = null;
  private conversationId(): string | null {
    this.id ??= readState(this.sql)?.id ?? null;
    return this.id;
  }

  private change(changes: Record<string, SqlStorageValue>, applies: (s: ConversationState) => boolean): ConversationSummary | null {
    const before = readState(this.sql);
    if (!before) return null;
    if (applies(before)) {
      updateConversation(this.sql, changes);
      this.changed();
    }
    return summarize(this.state());
  }

  /**
   * Stores a new message and delivers it. An inbound message reopens the conversation and marks it
   * unread (S5); an agent's reply changes neither.
   */
  private record(id: string, input: NewMessage): Message {
    const at = input.at ?? now();
    const message = this.ctx.storage.transactionSync(() => {
      const m = insertMessage(this.sql, id, input, at);
      const changes: Record<string, SqlStorageValue> = { preview: input.text.slice(0, PREVIEW_CHARS), last_message_at: at };
      if (input.direction === "inbound" && input.reopens !== false) Object.assign(changes, { status: "open", read: 0, last_inbound_at: at });
      updateConversation(this.sql, changes);
      return m;
    });
    this.deliver(message);
    this.changed();
    return message;
  }

  private access(): RoomAccess {
    const id = this.conversationId()!;
    return {
      sql: this.sql,
      id,
      state: () => this.state(),
      record: (input) => this.record(id, input),
      statusChanged: (m) =>
        sendAll(this.ctx.getWebSockets("agent"), { type: "status", conversationId: id, seq: m.seq, status: m.status, error: m.error }),
    };
  }

  /** Delivers a new message: agents get every channel, the visitor only chat. */
  private deliver(message: Message): void {
    const frame: ServerFrame = { type: "message", message };
    sendAll(this.ctx.getWebSockets("agent"), frame);
    if (message.channel === "chat") sendAll(this.ctx.getWebSockets("visitor"), frame);
  }

  /** After any change: tell agents in the room, and the inbox feed, which brings the D1 index up to date. */
  private changed(): void {
    const s = this.state();
    if (s.lastSeq === 0) return; // not listed until it has a message
    sendAll(this.ctx.getWebSockets("agent"), { type: "conversation", conversation: summarize(s) });
    this.ctx.waitUntil(this.syncIndex(s));
  }

  private publish(frame: ServerFrame): void {
    this.ctx.waitUntil(feedStub(this.env).publish(frame).catch((err) => console.error("feed publish failed", err)));
  }

  /**
   * Hands the summary to the inbox feed, which publishes it and writes it to the D1 index. The version
   * stored here only advances once D1 accepted it; a failure schedules a retry with backoff, so the
   * index is never silently left behind.
   */
  private async syncIndex(s = this.state()): Promise<void> {
    if (s.indexedVersion >= s.version || s.lastSeq === 0) return;
    try {
      await feedStub(this.env).conversationChanged(summarize(s), { visitorKey: s.visitorKey, messengerPsid: s.messengerPsid });
      this.sql.exec(
        "UPDATE conversation SET indexed_version = max(indexed_version, ?), index_attempts = 0, index_retry_at = NULL",
        s.version,
      );
    } catch (err) {
      const attempts = this.state().indexAttempts + 1;
      const delay = Math.min(INDEX_RETRY_MAX_MS, 1000 * 2 ** (attempts - 1));
      this.sql.exec("UPDATE conversation SET index_attempts = ?, index_retry_at = ?", attempts, now() + delay);
      console.error("index write failed; retrying", s.id, attempts, err);
      await this.scheduleAlarm();
    }
  }

  /** Sets the alarm to the earliest pending timer, or clears it when nothing is pending. */
  private async scheduleAlarm(): Promise<void> {
    const s = readState(this.sql);
    if (!s) return;
    const due: number[] = [];
    if (s.visitorOfflineAt !== null) due.push(s.visitorOfflineAt);
    if (s.visitorOnline) due.push(now() + this.timings.sweepMs);
    if (s.indexedVersion < s.version && s.lastSeq > 0) due.push(s.indexRetryAt ?? now());
    const current = await this.ctx.storage.getAlarm();
    if (due.length === 0) {
      if (current !== null) await this.ctx.storage.deleteAlarm();
      return;
    }
    const next = Math.min(...due);
    if (current === null || next < current) await this.ctx.storage.setAlarm(next);
  }
}
