import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { now } from "../lib/clock";
import { workspaceFeed } from "../lib/workspace";
import { closeBack, closeSessions, type SessionsEnding, send, sendAll, sessionTags } from "../lib/socket-frames";
import {
  type AgentRef,
  type Author,
  type ContactRef,
  type ConversationStatus,
  type ConversationSummary,
  type Message,
  PING,
  PONG,
  type ServerFrame,
} from "../protocol";
import { Alarms } from "./alarms";
import {
  type AgentPost,
  type ChannelEvent,
  type PostResult,
  postAsAgent,
  type Received,
  receiveFromChannel,
  type RoomHandle,
} from "./doors";
import { assign, setLabels, type SnoozeResult, snooze, wake } from "./triage";
import { PostingLimits, postingRates } from "./limits";
import { LiveFrames } from "./live-frames";
import { AgentMarkers } from "./markers";
import { IndexOutbox } from "./outbox";
import type { OutboundChannels } from "./outbound";
import { presenceTimings, VisitorPresence } from "./presence";
import { attachment, newAttachment, type SocketIdentity } from "./room-sockets";
import {
  type ConversationInit,
  type ConversationState,
  insertConversation,
  listMessages,
  type MessagePage,
  readState,
  summarize,
  updateConversation,
} from "./storage";
import { migrate } from "./sqlite-schema";
import { deliver, recordItem } from "./timeline";

/**
 * One conversation: its timeline (gap-free sequence numbers), its live sockets (visitor and agents,
 * hibernating), the visitor's presence, and the outbox that keeps the D1 index in step. Spoken to by
 * RPC; only WebSocket upgrades arrive through `fetch`, already authenticated by the worker.
 *
 * The channels that carry replies out (email, Messenger) are given by the worker's entry point, which
 * subclasses this with `outbound`: the conversation never imports a channel.
 */
export abstract class Room extends DurableObject<Env> {
  protected abstract readonly outbound: OutboundChannels;
  private readonly sql: SqlStorage;
  private readonly presence: VisitorPresence;
  private readonly outbox: IndexOutbox;
  private readonly alarms: Alarms<"presence" | "index" | "snooze" | "viewers">;
  private readonly limits: PostingLimits;
  private readonly live: LiveFrames;
  private readonly markers: AgentMarkers;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    migrate(this.sql);
    // Keep-alive pings are answered by the runtime without waking the object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING, PONG));
    this.presence = new VisitorPresence(ctx, presenceTimings(env), (online) => this.presenceChanged(online));
    this.outbox = new IndexOutbox(this.sql, env, () => this.schedule());
    this.alarms = new Alarms(ctx.storage, {
      presence: this.presence,
      index: this.outbox,
      snooze: { due: (s) => s.snoozedUntil, fire: (at) => void (this.conversationId() && wake(this.handle(), at)) },
      viewers: { due: (_s, at) => this.markers.due(at), fire: (at) => this.markers.fire(at) },
    });
    this.limits = new PostingLimits(postingRates(env));
    this.live = new LiveFrames(
      ctx,
      () => this.conversationId()!,
      (frame) => this.publish(frame),
    );
    this.markers = new AgentMarkers(
      ctx,
      () => this.conversationId()!,
      (frame) => this.publish(frame),
    );
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

  /** The agent door (see doors.ts): replies on every channel, notes, events. Null: no conversation. */
  async post(input: AgentPost): Promise<PostResult | null> {
    return this.conversationId() ? postAsAgent(this.handle(), this.outbound, input, now()) : null;
  }

  /**
   * The channel door (see doors.ts): customers' messages from the widget, email and Messenger, echoes,
   * receipts, bounces. `init` creates the conversation first when a channel starts one. Null: no conversation.
   */
  receive(events: ChannelEvent[], init?: ConversationInit): Received[] | null {
    if (init) insertConversation(this.sql, init, now());
    return this.conversationId() ? receiveFromChannel(this.handle(), events) : null;
  }

  /** The Messenger person's name, from their profile (or their id when it cannot be fetched). */
  setPersonName(name: string): void {
    this.change({ person_name: name }, (s) => s.personName !== name);
  }

  /** Whether the conversation still needs a display name (a Messenger person not yet looked up). */
  needsName(): boolean {
    const s = readState(this.sql);
    return s !== null && s.channel === "messenger" && s.personName === null;
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
    const same =
      s.contact?.id === contact.id && s.contact.verified === contact.verified && s.contact.name === contact.name;
    return { linked: true, conversation: this.change({ contact: JSON.stringify(contact) }, () => !same)! };
  }

  /** S9: the agents' sessions that ended lose their sockets here. */
  endSessions(ending: SessionsEnding): number {
    return closeSessions(this.ctx, ending);
  }

  /** S31: assigns the conversation to an agent (null: unassigns), as `by`. Null: no conversation. */
  assign(to: AgentRef | null, by: Author): { conversation: ConversationSummary; event: Message | null } | null {
    if (!this.conversationId()) return null;
    const event = assign(this.handle(), to, by, now());
    return { conversation: summarize(this.state()), event };
  }

  /** S35: sets the conversation's labels (ids the worker checked). Null: no conversation. */
  setLabels(labelIds: string[], by: Author): { conversation: ConversationSummary; event: Message | null } | null {
    if (!this.conversationId()) return null;
    const event = setLabels(this.handle(), labelIds, by);
    return { conversation: summarize(this.state()), event };
  }

  /** S36: snoozes until `until` (null: unsnoozes now). Null: no conversation. */
  async snooze(
    until: number | null,
    by: Author,
  ): Promise<(SnoozeResult & { conversation: ConversationSummary }) | null> {
    if (!this.conversationId()) return null;
    const result = snooze(this.handle(), until, by);
    await this.schedule();
    return { ...result, conversation: summarize(this.state()) };
  }

  /** S36: unread for everyone (the counterpart of markRead). */
  markUnread(): ConversationSummary | null {
    return this.change({ read: 0 }, (s) => s.read);
  }

  /** A contact's name changed (an agent edited it): this conversation shows it at once. */
  renameContact(contactId: string, name: string | null): ConversationSummary | null {
    const s = readState(this.sql);
    if (!s?.contact || s.contact.id !== contactId) return s ? summarize(s) : null;
    return this.change({ contact: JSON.stringify({ ...s.contact, name }) }, () => s.contact!.name !== name);
  }

  /**
   * S41's backfill: sends the items the search index lacks (with `fromStart`, all of them again). True once
   * the index has them; false if the write failed (a retry is scheduled). Null: no conversation.
   */
  async indexForSearch(fromStart: boolean): Promise<boolean | null> {
    return this.conversationId() ? this.outbox.reindex(fromStart) : null;
  }

  // ---- sockets ----

  override async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (request.headers.get("upgrade") !== "websocket")
      return new Response("Expected a WebSocket upgrade", { status: 426 });
    const s = readState(this.sql);
    if (!s) return new Response("No such conversation", { status: 404 });
    const identity = JSON.parse(url.searchParams.get("identity")!) as SocketIdentity;
    const after = Number(url.searchParams.get("after") ?? 0);

    const { 0: client, 1: server } = new WebSocketPair();
    const at = now();
    const agent =
      identity.role === "agent" && identity.agentId && identity.session
        ? { id: identity.agentId, session: identity.session }
        : null;
    this.ctx.acceptWebSocket(server, [identity.role, ...(agent ? sessionTags(agent.id, agent.session) : [])]);
    server.serializeAttachment(newAttachment(identity, at));
    // The feed knows every session's sockets, so that ending a session closes this one too (S9).
    if (agent) this.ctx.waitUntil(workspaceFeed(this.env).roomOpened(agent.id, agent.session, s.id));

    const visitor = identity.role === "visitor";
    if (visitor) {
      this.presence.arrived(s);
      await this.schedule();
    }
    const state = this.state();
    send(server, {
      type: "welcome",
      conversationId: state.id,
      lastSeq: state.lastSeq,
      visitorOnline: state.visitorOnline,
      conversation: visitor ? null : summarize(state),
    });
    for (const message of listMessages(this.sql, state.id, { after, limit: 10_000, visitorOnly: visitor }))
      send(server, { type: "message", message });
    if (!visitor) {
      // S37: who else is here, then everyone hears that this agent came.
      send(server, { type: "viewers", conversationId: state.id, viewers: this.markers.viewers(at) });
      this.markers.refresh(at);
      await this.schedule();
    }
    return new Response(null, { status: 101, webSocket: client });
  }

  /** Sockets carry only what is live (typing, viewing); messages are posted over HTTP through the doors. */
  override async webSocketMessage(ws: WebSocket, raw: string | ArrayBuffer): Promise<void> {
    const at = now();
    this.live.receive(ws, raw, at);
    if (attachment(ws).role === "agent") {
      this.markers.refresh(at);
      await this.schedule();
    }
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    closeBack(ws, code, reason);
    await this.socketGone(ws);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    await this.socketGone(ws);
  }

  override async alarm(): Promise<void> {
    await this.alarms.run(() => readState(this.sql), now());
  }

  // ---- inside ----

  private async socketGone(ws: WebSocket): Promise<void> {
    this.live.left(ws);
    if (attachment(ws).role === "agent") {
      this.markers.refresh(now(), ws);
      await this.schedule();
    }
    if (attachment(ws).role !== "visitor") return;
    this.presence.left(ws);
    await this.schedule();
  }

  private schedule(): Promise<void> {
    return this.alarms.schedule(readState(this.sql), now());
  }

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

  private handle(): RoomHandle {
    const id = this.conversationId()!;
    return {
      sql: this.sql,
      id,
      env: this.env,
      state: () => this.state(),
      record: (input, changes) => {
        const at = input.at ?? now();
        const message = recordItem(this.ctx.storage, id, input, at, this.live.someoneReading(now()), changes);
        deliver(this.ctx, message);
        this.live.sent(message);
        this.changed();
        return message;
      },
      limit: (author) => this.limits.take(author, now()),
      statusChanged: (m) =>
        sendAll(this.ctx.getWebSockets("agent"), {
          type: "status",
          conversationId: id,
          seq: m.seq,
          status: m.status,
          error: m.error,
        }),
    };
  }

  /** Applies a change to the conversation row when `applies`; returns the summary either way. Null: no conversation. */
  private change(
    changes: Record<string, SqlStorageValue>,
    applies: (s: ConversationState) => boolean,
  ): ConversationSummary | null {
    const before = readState(this.sql);
    if (!before) return null;
    if (applies(before)) {
      updateConversation(this.sql, changes);
      this.changed();
    }
    return summarize(this.state());
  }

  /** After any change: tell agents in the room, and the inbox feed, which brings the D1 index up to date. */
  private changed(): void {
    const s = this.state();
    if (s.lastSeq === 0) return; // not listed until it has a message
    sendAll(this.ctx.getWebSockets("agent"), { type: "conversation", conversation: summarize(s) });
    this.ctx.waitUntil(this.outbox.sync(s));
  }

  private presenceChanged(online: boolean): void {
    const id = this.conversationId()!;
    sendAll(this.ctx.getWebSockets("agent"), { type: "presence", conversationId: id, visitorOnline: online });
    this.ctx.waitUntil(
      workspaceFeed(this.env)
        .setPresence(id, online)
        .catch((err) => console.error("feed presence failed", id, err)),
    );
  }

  private publish(frame: ServerFrame): void {
    this.ctx.waitUntil(
      workspaceFeed(this.env)
        .publish(frame)
        .catch((err) => console.error("feed publish failed", err)),
    );
  }
}
