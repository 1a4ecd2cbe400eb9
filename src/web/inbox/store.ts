import type { Channel, Composing, ConversationStatus, ConversationSummary, Message, ServerFrame } from "../../protocol";
import type { AgentView } from "../../auth/agent-view";
import { api, type ApiFailure, ok } from "./api";
import { displayName } from "./format";
import { t } from "./i18n";
import { LiveSocket } from "./live";
import { noticeActions } from "./notifications";
import { teamActions } from "./team";
import {
  addMessages,
  applySummary,
  countsAsUnread,
  type Filters,
  type InboxState,
  initialState,
  knownUnread,
  type Pending,
  setMessageStatus,
  store,
  type Thread,
  withSet,
} from "./inbox-state";

/** Inside the server's 5-minute touch interval, far inside the idle limit (SESSION_IDLE_MINUTES). */
const HEARTBEAT_MS = 4 * 60_000;
/** A typing indicator that is never switched off (a closed tab) fades by itself. */
const TYPING_FADE_MS = 6000;

/** The failure an API call threw, or a plain one for network errors. */
function failure(err: unknown): ApiFailure {
  if (err && typeof err === "object" && "status" in err) return err as ApiFailure;
  return { status: 0, code: "network", message: t.networkError };
}

/** What became of a send: sent, refused for now (the draft goes back to the composer), or failed with Retry. */
export type SendOutcome =
  | { ok: true }
  | { ok: false; rateLimited: true; message: string; retryAfterS: number }
  /** S38: held, because the conversation has news the author had not seen; nothing was stored. */
  | { ok: false; rateLimited: false; held: true; message: string; newer: readonly Message[] }
  | { ok: false; rateLimited: false; held?: false };

/**
 * Everything that changes the inbox's state: the list (kept current by the feed socket), the open
 * conversation (kept current by its own socket), unread counts (S2) and presence (S3). Each change
 * makes a new snapshot in `store`; the side effects of a state (the tab's title, the favicon) are
 * in effects.ts, not here.
 */
class InboxActions {
  private feed: LiveSocket | null = null;
  private room: LiveSocket | null = null;
  private typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private recountTimer: ReturnType<typeof setTimeout> | undefined;
  private clock: ReturnType<typeof setInterval> | undefined;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  /** Grows each time a conversation opens or closes: answers for an earlier one are ignored. */
  private opening = 0;

  private get s(): InboxState {
    return store.state;
  }

  /**
   * S4: the open conversation's socket says whether it is on screen in a visible tab, so a customer
   * message keeps it Read only while someone is reading it. Coming back to the tab is reading it again.
   */
  private onVisibility = (): void => {
    const visible = document.visibilityState === "visible";
    this.room?.send({ type: "viewing", visible });
    const thread = this.s.thread;
    if (visible && thread?.summary && !thread.summary.read) {
      const attempt = this.opening;
      void api.conversations[":id"].open
        .$post({ param: { id: thread.id } })
        .then(ok)
        .then((opened) => attempt === this.opening && this.summaryArrived(opened.conversation, false))
        .catch(() => {});
    }
  };

  private update(fn: (s: InboxState) => InboxState): void {
    store.set(fn);
  }

  // ---- the list and the feed ----

  start(me: AgentView): void {
    this.update((s) => ({ ...s, me }));
    document.addEventListener("visibilitychange", this.onVisibility);
    void this.loadList();
    void teamActions.load().catch(() => {});
    noticeActions.start({
      viewing: () => this.s.thread?.id ?? null,
      loaded: (id) => this.s.thread?.id === id && this.s.thread.messages.length > 0,
      reachBack: (id, seq) => this.reachBack(id, seq),
    });
    this.clock = setInterval(() => this.update((s) => ({ ...s, now: Date.now() })), 30_000);
    // An open app is activity (the session's idle limit), and a session ended elsewhere is noticed.
    this.heartbeat = setInterval(
      () =>
        void api.auth.me
          .$get()
          .then(ok)
          .catch(() => {}),
      HEARTBEAT_MS,
    );
    this.feed = new LiveSocket(
      () => "/api/inbox/socket",
      (f) => this.onFeedFrame(f),
      (connected) => {
        // After a drop the feed missed changes: reload what the list shows. The bell loads on every connect:
        // a notice made before the feed first opened reached neither it nor the first load.
        if (connected && !this.s.connected) void this.loadList();
        if (connected) void noticeActions.load().catch(() => {});
        this.update((s) => (s.connected === connected ? s : { ...s, connected }));
      },
    );
  }

  stop(): void {
    document.removeEventListener("visibilitychange", this.onVisibility);
    clearInterval(this.clock);
    clearInterval(this.heartbeat);
    clearTimeout(this.recountTimer);
    for (const timer of this.typingTimers.values()) clearTimeout(timer);
    this.typingTimers.clear();
    this.feed?.stop();
    this.room?.stop();
    this.feed = this.room = null;
    this.opening++;
    teamActions.stop();
    noticeActions.stop();
    store.set({ ...initialState, now: Date.now() });
  }

  async setFilters(changes: Partial<Filters>): Promise<void> {
    const reload =
      changes.view !== undefined ||
      changes.status !== undefined ||
      changes.channel !== undefined ||
      changes.unread !== undefined;
    this.update((s) => ({ ...s, filters: { ...s.filters, ...changes } }));
    if (reload) await this.loadList();
  }

  async loadList(more = false): Promise<void> {
    const f = this.s.filters;
    const cursor = this.s.nextCursor;
    const res = await api.conversations.$get({
      query: {
        status: f.view === "snoozed" ? "snoozed" : f.status,
        ...(f.view === "mine" ? { assignee: "me" } : f.view === "unassigned" ? { assignee: "none" } : {}),
        ...(f.view.startsWith("label:") ? { label: f.view.slice(6) } : {}),
        ...(f.view === "mentions" ? { mentioned: "me" as const } : {}),
        ...(f.channel ? { channel: f.channel } : {}),
        ...(f.unread ? { unread: "true" } : {}),
        limit: "50",
        ...(more && cursor ? { cursor } : {}),
      },
    });
    const page = await ok(res);
    this.update((s) => {
      const known = s.conversations;
      const conversations = more ? new Map(known) : new Map<string, ConversationSummary>();
      let hiddenUnread = s.hiddenUnread;
      // A live update may have overtaken this response: never replace a newer version with an older one,
      // and keep conversations newer than the page's oldest row that the query ran too early to see.
      for (const c of page.conversations) {
        const live = known.get(c.id);
        // A further page brings in rows the server had counted beyond the first: they are known now.
        if (more && !live && countsAsUnread(c)) hiddenUnread = Math.max(0, hiddenUnread - 1);
        conversations.set(c.id, live && live.version > c.version ? live : c);
      }
      if (!more) {
        const oldest = page.conversations.at(-1)?.lastMessageAt ?? 0;
        for (const c of known.values())
          if (!conversations.has(c.id) && c.lastMessageAt > oldest) conversations.set(c.id, c);
        hiddenUnread = Math.max(0, page.unreadCount - knownUnread(conversations));
      }
      return { ...s, conversations, hiddenUnread, nextCursor: page.nextCursor, listLoaded: true };
    });
  }

  private onFeedFrame(f: ServerFrame): void {
    teamActions.onFeedFrame(f);
    noticeActions.onFeedFrame(f);
    if (f.type === "snapshot") this.update((s) => ({ ...s, online: new Set(f.online) }));
    else if (f.type === "presence") this.setOnline(f.conversationId, f.visitorOnline);
    else if (f.type === "conversation") this.summaryArrived(f.conversation, true);
    else if (f.type === "typing" && f.who === "visitor") this.setVisitorTyping(f.conversationId, f.typing);
  }

  /** A newer version of a conversation; `live` ones from the feed may announce a new message. */
  private summaryArrived(c: ConversationSummary, live: boolean): void {
    const known = this.s.conversations.get(c.id);
    if (known && known.version >= c.version) {
      this.update((s) => applySummary(s, c));
      return;
    }
    // An older conversation from beyond the loaded page may already be in `hiddenUnread`: recount soon,
    // once the D1 index (written just after this live update) has caught up.
    if (!known && c.version > 1) this.scheduleRecount();
    const news = live && !c.read && c.lastInboundAt === c.lastMessageAt && (!known || known.lastSeq < c.lastSeq);
    this.update((s) => {
      const next = applySummary(s, c);
      return news ? { ...next, announcement: t.newMessageFrom(displayName(c)) } : next;
    });
  }

  private scheduleRecount(): void {
    clearTimeout(this.recountTimer);
    this.recountTimer = setTimeout(async () => {
      const page = await ok(await api.conversations.$get({ query: { limit: "1" } }));
      this.update((s) => {
        const hiddenUnread = Math.max(0, page.unreadCount - knownUnread(s.conversations));
        return hiddenUnread === s.hiddenUnread ? s : { ...s, hiddenUnread };
      });
    }, 800);
  }

  private setOnline(id: string, online: boolean): void {
    this.update((s) => {
      const next = withSet(s.online, id, online);
      return next === s.online ? s : { ...s, online: next };
    });
  }

  private setVisitorTyping(id: string, typing: boolean): void {
    clearTimeout(this.typingTimers.get(id));
    this.typingTimers.delete(id);
    if (typing)
      this.typingTimers.set(
        id,
        setTimeout(() => this.setVisitorTyping(id, false), TYPING_FADE_MS),
      );
    this.update((s) => {
      const visitors = withSet(s.typing.visitors, id, typing);
      return visitors === s.typing.visitors ? s : { ...s, typing: { ...s.typing, visitors } };
    });
  }

  /** Another agent typing here; an indicator not refreshed for TYPING_FADE_MS fades (a closed tab, a lost network). */
  private setAgentTyping(id: string, name: string | null): void {
    const key = `agent:${id}`;
    clearTimeout(this.typingTimers.get(key));
    this.typingTimers.delete(key);
    if (name !== null)
      this.typingTimers.set(
        key,
        setTimeout(() => this.setAgentTyping(id, null), TYPING_FADE_MS),
      );
    this.update((s) => {
      if ((s.typing.agents.get(id) ?? null) === name) return s;
      const agents = new Map(s.typing.agents);
      if (name === null) agents.delete(id);
      else agents.set(id, name);
      return { ...s, typing: { ...s.typing, agents } };
    });
  }

  // ---- one conversation ----

  private updateThread(id: string, fn: (thread: Thread) => Thread): void {
    this.update((s) => {
      if (s.thread?.id !== id) return s;
      const thread = fn(s.thread);
      return thread === s.thread ? s : { ...s, thread };
    });
  }

  /** Opens a conversation: loads its thread, follows it live and marks it Read for everyone (S4). */
  async open(id: string): Promise<void> {
    if (this.s.thread?.id === id) return;
    teamActions.seen(id);
    noticeActions.seen(id);
    this.room?.stop();
    this.room = null;
    const attempt = ++this.opening;
    this.update((s) => ({ ...s, thread: { id, summary: s.conversations.get(id) ?? null, messages: [], pending: [] } }));
    const data = await ok(await api.conversations[":id"].$get({ param: { id }, query: {} }));
    if (attempt !== this.opening) return;
    this.setOnline(id, data.visitorOnline);
    this.update((s) => applySummary(s, data.conversation));
    this.updateThread(id, (thread) => addMessages(thread, data.messages));
    this.room = new LiveSocket(
      () =>
        `/api/conversations/${id}/socket?after=${this.s.thread?.id === id ? (this.s.thread.messages.at(-1)?.seq ?? 0) : 0}`,
      (f) => {
        if (attempt === this.opening) this.onRoomFrame(id, f);
      },
      // S4: a socket starts as "on screen"; one that (re)connects in a hidden tab says it is not.
      (connected) => {
        if (!connected || attempt !== this.opening) return;
        if (document.visibilityState === "hidden") this.room?.send({ type: "viewing", visible: false });
        // What was typing before a drop is unknown now; a typist still at it says so again within seconds.
        this.setVisitorTyping(id, false);
        this.setAgentTyping(id, null);
      },
    );
    const opened = await ok(await api.conversations[":id"].open.$post({ param: { id } }));
    if (attempt === this.opening) this.summaryArrived(opened.conversation, false);
  }

  /**
   * S41: the open thread reaches back to `seq` (a search hit older than the messages loaded), loading
   * the pages before its oldest message. Resolves true once the thread holds it.
   */
  async reachBack(id: string, seq: number): Promise<boolean> {
    for (let pages = 0; pages < 50; pages++) {
      const thread = this.s.thread;
      if (thread?.id !== id || thread.messages.length === 0) return false;
      const oldest = thread.messages[0]!.seq;
      if (oldest <= seq) return thread.messages.some((m) => m.seq === seq);
      const data = await ok(
        await api.conversations[":id"].$get({ param: { id }, query: { before: String(oldest), limit: "200" } }),
      );
      if (data.messages.length === 0) return false;
      this.updateThread(id, (t) => addMessages(t, data.messages));
    }
    return false;
  }

  close(): void {
    if (!this.s.thread) return;
    this.opening++;
    this.room?.stop();
    this.room = null;
    this.update((s) => ({ ...s, thread: null }));
  }

  private onRoomFrame(id: string, f: ServerFrame): void {
    if (f.type === "welcome") {
      this.setOnline(id, f.visitorOnline);
      if (f.conversation) this.summaryArrived(f.conversation, false);
    } else if (f.type === "message") {
      this.updateThread(id, (thread) => addMessages(thread, [f.message]));
      // S15: the typist sent: their indicator goes (the server says so too, unless its frame was missed
      // while this socket reconnected).
      if (f.message.kind === "customer") this.setVisitorTyping(id, false);
      else if (f.message.author.kind === "agent" && this.s.typing.agents.get(id) === f.message.author.name)
        this.setAgentTyping(id, null);
    } else if (f.type === "status")
      this.updateThread(id, (thread) => setMessageStatus(thread, f.seq, f.status, f.error));
    else if (f.type === "presence") this.setOnline(id, f.visitorOnline);
    else if (f.type === "conversation") this.summaryArrived(f.conversation, false);
    else if (f.type === "typing") {
      if (f.who === "visitor") this.setVisitorTyping(id, f.typing);
      else this.setAgentTyping(id, f.typing ? (f.agentName ?? t.unknown) : null);
    }
  }

  /**
   * Posts a reply. A refusal for now (429: posting too fast; 409 stale: news the author had not seen, S38)
   * removes it again and says why, so the composer can keep the draft; any other failure stays in the
   * thread as Not sent with Retry.
   */
  async send(
    text: string,
    channel: Channel,
    clientId: string = crypto.randomUUID(),
    seen: { basedOnSeq?: number; force?: boolean } = {},
  ): Promise<SendOutcome> {
    const id = this.s.thread?.id;
    if (!id) return { ok: false, rateLimited: false };
    const pending: Pending = { clientId, text, channel, state: "sending" };
    this.updateThread(id, (thread) => ({
      ...thread,
      pending: [...thread.pending.filter((p) => p.clientId !== clientId), pending],
    }));
    try {
      const res = await api.conversations[":id"].messages.$post({
        param: { id },
        json: { clientId, channel, text, ...seen },
      });
      const { message } = await ok(res);
      this.updateThread(id, (thread) => addMessages(thread, [message]));
      return { ok: true };
    } catch (err) {
      const f = failure(err);
      if (f.status === 429 || f.code === "stale") {
        this.updateThread(id, (thread) => ({
          ...thread,
          pending: thread.pending.filter((p) => p.clientId !== clientId),
        }));
        if (f.code === "stale") {
          // The news may beat its own frame here: the thread shows it now, whatever the socket does.
          const newer = f.newer ?? [];
          this.updateThread(id, (thread) => addMessages(thread, newer));
          return { ok: false, rateLimited: false, held: true, message: f.message, newer };
        }
        return { ok: false, rateLimited: true, message: f.message, retryAfterS: f.retryAfterS ?? 1 };
      }
      // S7: Retry only where a retry can succeed: the network or the server failed, not a refusal.
      const retryable = f.status === 0 || f.status === 408 || f.status >= 500;
      this.updateThread(id, (thread) => ({
        ...thread,
        pending: thread.pending.map((p) =>
          p.clientId === clientId ? { ...p, state: "failed", error: f.message, retryable } : p,
        ),
      }));
      return { ok: false, rateLimited: false };
    }
  }

  retry(p: Pending): Promise<SendOutcome> {
    return this.send(p.text, p.channel, p.clientId);
  }

  /** S7: a reply no retry can send (its refusal shown) is put away; nothing of it was stored. */
  dismiss(clientId: string): void {
    const id = this.s.thread?.id;
    if (id)
      this.updateThread(id, (thread) => ({
        ...thread,
        pending: thread.pending.filter((p) => p.clientId !== clientId),
      }));
  }

  /** A reply stored as failed (its channel could not send it) is sent again under its own client id. */
  async retryFailed(m: Message): Promise<void> {
    const id = this.s.thread?.id;
    if (!id || m.kind !== "reply" || !m.clientId) return;
    this.updateThread(id, (thread) => setMessageStatus(thread, m.seq, "sending", null));
    try {
      const res = await api.conversations[":id"].messages.$post({
        param: { id },
        json: { clientId: m.clientId, channel: m.channel, text: m.text },
      });
      const { message } = await ok(res);
      this.updateThread(id, (thread) => addMessages(thread, [message]));
    } catch (err) {
      this.updateThread(id, (thread) => setMessageStatus(thread, m.seq, "failed", failure(err).message));
    }
  }

  /** `composing` says what is being written: only a chat reply's typing reaches the visitor. */
  /** Says whether the agent is typing here; false if the conversation's socket is not open to say it. */
  typing(typing: boolean, composing?: Composing): boolean {
    return this.room?.send({ type: "typing", typing, ...(composing ? { composing } : {}) }) ?? false;
  }

  async setStatus(status: ConversationStatus): Promise<void> {
    const id = this.s.thread?.id;
    if (!id) return;
    const res =
      status === "complete"
        ? await api.conversations[":id"].complete.$post({ param: { id } })
        : await api.conversations[":id"].reopen.$post({ param: { id } });
    this.summaryArrived((await ok(res)).conversation, false);
  }
}

export const actions = new InboxActions();
