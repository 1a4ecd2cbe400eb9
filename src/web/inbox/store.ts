import type { Channel, ConversationStatus, ConversationSummary, Message, ServerFrame } from "../../protocol";
import type { AgentView } from "../../auth/agent-view";
import { api, type ApiFailure, ok } from "./api";
import { displayName } from "./format";
import { t } from "./i18n";
import { LiveSocket } from "./live";

/** Inside the server's 5-minute touch interval, far inside the idle limit (SESSION_IDLE_MINUTES). */
const HEARTBEAT_MS = 4 * 60_000;

export interface Filters {
  status: ConversationStatus | "all";
  channel: Channel | "";
  unread: boolean;
  search: string;
}

export interface Pending {
  clientId: string;
  text: string;
  channel: Channel;
  state: "sending" | "failed";
  /** Why it was refused (e.g. Messenger's 24-hour window). */
  error?: string;
}

export interface Thread {
  id: string;
  summary: ConversationSummary | null;
  messages: Message[];
  pending: Pending[];
  visitorOnline: boolean;
  visitorTyping: boolean;
  agentTyping: string | null;
}

/**
 * The inbox's state and everything that changes it: the list (kept current by the feed socket), the
 * open conversation (kept current by its own socket), the unread count (S2) and presence (S3).
 * Views re-render on `subscribe`.
 */
export class InboxStore {
  me: AgentView | null = null;
  conversations = new Map<string, ConversationSummary>();
  online = new Set<string>();
  typingIn = new Map<string, number>();
  /** Unread conversations the server counted that are not in `conversations` (beyond the loaded page). */
  private hiddenUnread = 0;
  private recountTimer: ReturnType<typeof setTimeout> | undefined;
  nextCursor: string | null = null;
  filters: Filters = { status: "open", channel: "", unread: false, search: "" };
  thread: Thread | null = null;
  connected = true;
  announcement = "";

  private listeners = new Set<() => void>();
  private feed: LiveSocket | null = null;
  private room: LiveSocket | null = null;
  private typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private clock: ReturnType<typeof setInterval> | undefined;
  private heartbeat: ReturnType<typeof setInterval> | undefined;

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** S2: unread conversations, derived from what is known plus what the server counted beyond it. */
  get unreadCount(): number {
    let n = this.hiddenUnread;
    for (const c of this.conversations.values()) if (!c.read) n++;
    return n;
  }

  emit(): void {
    document.title = this.unreadCount > 0 ? `(${this.unreadCount}) ${t.appName}` : t.appName;
    for (const l of this.listeners) l();
  }

  /** The list as shown: filters applied, newest activity first. */
  visible(): ConversationSummary[] {
    const q = this.filters.search.trim().toLowerCase();
    return [...this.conversations.values()]
      .filter((c) => this.filters.status === "all" || c.status === this.filters.status)
      .filter((c) => !this.filters.channel || c.channel === this.filters.channel)
      .filter((c) => !this.filters.unread || !c.read)
      .filter((c) => !q || [displayName(c), c.contact?.email ?? "", c.preview ?? ""].some((s) => s.toLowerCase().includes(q)))
      .sort((a, b) => b.lastMessageAt - a.lastMessageAt || (a.id < b.id ? 1 : -1));
  }

  // ---- the list and the feed ----

  start(me: AgentView): void {
    this.me = me;
    void this.loadList();
    // Relative times ("5 min") move on even when nothing else happens.
    this.clock = setInterval(() => this.emit(), 30_000);
    // An open app is activity (the session's idle limit), and a session ended elsewhere is noticed.
    this.heartbeat = setInterval(() => void api.auth.me.$get().then(ok).catch(() => {}), HEARTBEAT_MS);
    this.feed = new LiveSocket(
      () => "/api/inbox/socket",
      (f) => this.onFeedFrame(f),
      (connected) => {
        // After a drop the feed missed changes: reload what the list shows.
        if (connected && !this.connected) void this.loadList();
        this.connected = connected;
        this.emit();
      },
    );
  }

  stop(): void {
    clearInterval(this.clock);
    clearInterval(this.heartbeat);
    clearTimeout(this.recountTimer);
    this.feed?.stop();
    this.room?.stop();
    this.feed = this.room = null;
  }

  async setFilters(changes: Partial<Filters>): Promise<void> {
    const reload = changes.status !== undefined || changes.channel !== undefined || changes.unread !== undefined;
    this.filters = { ...this.filters, ...changes };
    this.emit();
    if (reload) await this.loadList();
  }

  async loadList(more = false): Promise<void> {
    const f = this.filters;
    const res = await api.conversations.$get({
      query: {
        status: f.status,
        ...(f.channel ? { channel: f.channel } : {}),
        ...(f.unread ? { unread: "true" } : {}),
        limit: "50",
        ...(more && this.nextCursor ? { cursor: this.nextCursor } : {}),
      },
    });
    const page = await ok(res);
    const known = this.conversations;
    if (!more) this.conversations = new Map();
    // A live update may have overtaken this response: never replace a newer version with an older one,
    // and keep conversations newer than the page's oldest row that the query ran too early to see.
    for (const c of page.conversations) {
      const live = known.get(c.id);
      // A further page brings in rows the server had counted beyond the first: they are known now.
      if (more && !live && !c.read) this.hiddenUnread = Math.max(0, this.hiddenUnread - 1);
      this.conversations.set(c.id, live && live.version > c.version ? live : c);
    }
    if (!more) {
      const oldest = page.conversations.at(-1)?.lastMessageAt ?? 0;
      for (const c of known.values()) if (!this.conversations.has(c.id) && c.lastMessageAt > oldest) this.conversations.set(c.id, c);
      this.hiddenUnread = Math.max(0, page.unreadCount - page.conversations.filter((c) => !c.read).length);
    }
    this.nextCursor = page.nextCursor;
    this.emit();
  }

  private onFeedFrame(f: ServerFrame): void {
    if (f.type === "snapshot") this.online = new Set(f.online);
    else if (f.type === "presence") this.setOnline(f.conversationId, f.visitorOnline);
    else if (f.type === "conversation") this.applySummary(f.conversation, true);
    else if (f.type === "typing" && f.who === "visitor") this.setTyping(f.conversationId, f.typing);
    this.emit();
  }

  /** Applies a newer version of a conversation (the unread count follows from the map). */
  private applySummary(c: ConversationSummary, live: boolean): void {
    const known = this.conversations.get(c.id);
    if (known && known.version >= c.version) return;
    // An older conversation from beyond the loaded page may already be in `hiddenUnread`: recount soon,
    // once the D1 index (written just after this live update) has caught up.
    if (!known && c.version > 1) this.scheduleRecount();
    this.conversations.set(c.id, c);
    if (this.thread?.id === c.id) this.thread.summary = c;
    if (live && !c.read && c.lastInboundAt === c.lastMessageAt && (!known || known.lastSeq < c.lastSeq)) {
      this.announcement = t.newMessageFrom(displayName(c));
    }
  }

  private scheduleRecount(): void {
    clearTimeout(this.recountTimer);
    this.recountTimer = setTimeout(async () => {
      const page = await ok(await api.conversations.$get({ query: { limit: "1" } }));
      let knownUnread = 0;
      for (const c of this.conversations.values()) if (!c.read) knownUnread++;
      this.hiddenUnread = Math.max(0, page.unreadCount - knownUnread);
      this.emit();
    }, 800);
  }

  private setOnline(id: string, online: boolean): void {
    if (online) this.online.add(id);
    else this.online.delete(id);
    if (this.thread?.id === id) this.thread.visitorOnline = online;
  }

  private setTyping(id: string, typing: boolean): void {
    clearTimeout(this.typingTimers.get(id));
    if (!typing) {
      this.typingIn.delete(id);
      return;
    }
    this.typingIn.set(id, Date.now());
    // A typing indicator that is never switched off (a closed tab) fades by itself.
    this.typingTimers.set(
      id,
      setTimeout(() => {
        this.typingIn.delete(id);
        if (this.thread?.id === id) this.thread.visitorTyping = false;
        this.emit();
      }, 6000),
    );
    if (this.thread?.id === id) this.thread.visitorTyping = true;
  }

  // ---- one conversation ----

  /** Opens a conversation: loads its thread, follows it live and marks it Read for everyone (S4). */
  async open(id: string): Promise<void> {
    if (this.thread?.id === id) return;
    this.room?.stop();
    const thread: Thread = { id, summary: this.conversations.get(id) ?? null, messages: [], pending: [], visitorOnline: this.online.has(id), visitorTyping: false, agentTyping: null };
    this.thread = thread;
    this.emit();
    const data = await ok(await api.conversations[":id"].$get({ param: { id }, query: {} }));
    if (this.thread !== thread) return;
    thread.summary = data.conversation;
    thread.visitorOnline = data.visitorOnline;
    this.addMessages(thread, data.messages);
    this.room = new LiveSocket(
      () => `/api/conversations/${id}/socket?after=${thread.messages.at(-1)?.seq ?? 0}`,
      (f) => this.onRoomFrame(thread, f),
    );
    const opened = await ok(await api.conversations[":id"].open.$post({ param: { id } }));
    this.applySummary(opened.conversation, false);
    this.emit();
  }

  close(): void {
    this.room?.stop();
    this.room = null;
    this.thread = null;
    this.emit();
  }

  private onRoomFrame(thread: Thread, f: ServerFrame): void {
    if (this.thread !== thread) return;
    if (f.type === "welcome") {
      thread.visitorOnline = f.visitorOnline;
      if (f.conversation) this.applySummary(f.conversation, false);
    } else if (f.type === "message") this.addMessages(thread, [f.message]);
    else if (f.type === "status") {
      const m = thread.messages.find((x) => x.seq === f.seq);
      if (m) Object.assign(m, { status: f.status, error: f.error });
    }
    else if (f.type === "presence") this.setOnline(thread.id, f.visitorOnline);
    else if (f.type === "conversation") this.applySummary(f.conversation, false);
    else if (f.type === "typing") {
      if (f.who === "visitor") this.setTyping(thread.id, f.typing);
      else thread.agentTyping = f.typing ? f.agentName : null;
    }
    this.emit();
  }

  /** Adds messages once each, in sequence order, and settles the pending sends they answer. */
  private addMessages(thread: Thread, messages: Message[]): void {
    for (const m of messages) {
      const known = thread.messages.find((x) => x.seq === m.seq);
      // The same message again (a reply's answer after its socket frame): keep the furthest status.
      if (known) {
        if (STATUS_RANK[m.status] > STATUS_RANK[known.status]) Object.assign(known, { status: m.status, error: m.error });
        continue;
      }
      thread.messages.push(m);
      thread.pending = thread.pending.filter((p) => p.clientId !== m.clientId);
    }
    thread.messages.sort((a, b) => a.seq - b.seq);
  }

  async send(text: string, channel: Channel, clientId: string = crypto.randomUUID()): Promise<void> {
    const thread = this.thread;
    if (!thread) return;
    const pending: Pending = { clientId, text, channel, state: "sending" };
    thread.pending = [...thread.pending.filter((p) => p.clientId !== clientId), pending];
    this.emit();
    try {
      const res = await api.conversations[":id"].messages.$post({ param: { id: thread.id }, json: { clientId, channel, text } });
      const { message } = await ok(res);
      this.addMessages(thread, [message]);
    } catch (err) {
      pending.state = "failed";
      pending.error = (err as ApiFailure).message;
    }
    this.emit();
  }

  retry(p: Pending): Promise<void> {
    return this.send(p.text, p.channel, p.clientId);
  }

  /** `composing` says what is being written: only a chat reply's typing reaches the visitor. */
  typing(typing: boolean, composing?: Channel): void {
    this.room?.send({ type: "typing", typing, ...(composing ? { composing } : {}) });
  }

  async setStatus(status: ConversationStatus): Promise<void> {
    const id = this.thread?.id;
    if (!id) return;
    const res = status === "complete" ? await api.conversations[":id"].complete.$post({ param: { id } }) : await api.conversations[":id"].reopen.$post({ param: { id } });
    this.applySummary((await ok(res)).conversation, false);
    this.emit();
  }
}

const STATUS_RANK: Record<Message["status"], number> = { sending: 0, failed: 1, sent: 2, delivered: 3, read: 4 };

export const store = new InboxStore();
