import type {
  Message,
  PING as ProtocolPing,
  PING_INTERVAL_MS as ProtocolPingInterval,
  ServerFrame,
} from "../../protocol";
import { loadSaved, type Saved, storeSaved } from "./saved";

// The loader must stay tiny, and importing the protocol module's values would pull in zod; these
// mirror its constants, and their types make `npm run typecheck` fail if the two ever differ.
const PING: typeof ProtocolPing = "ping";
const PING_INTERVAL_MS: typeof ProtocolPingInterval = 5_000;
const MAX_BACKOFF_MS = 30_000;
const TYPING_SHOWN_MS = 8_000;

export type SendStatus = "sending" | "sent" | "failed";

/** One line of the chat as the widget shows it: a stored message, or one of ours still on its way. */
export interface Entry {
  key: string;
  seq: number | null;
  text: string;
  mine: boolean;
  author: string | null;
  status: SendStatus;
}

export interface Identity {
  userId: string;
  email?: string;
  name?: string;
  signature: string;
}

export interface Session {
  deviceId: string | null;
  conversationId: string;
  token: string;
  expiresAt: number;
  lastSeq: number;
  contact: { email: string; verified: boolean } | null;
  identified: boolean;
}

export class ApiRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The visitor's side of the conversation, without any UI: session, live socket (pings, reconnects
 * with jittered backoff, resumes from the last sequence seen), the messages, what is unread, and our
 * own sends with their status. The launcher (loader) and the panel (loaded on open) both watch it.
 */
export class Chat {
  readonly entries = new Map<string, Entry>();
  contact: Session["contact"] = null;
  /** The agent's name (or "") while an agent is typing, else null. */
  agentTyping: string | null = null;
  /** True while a socket is up; `reconnecting` when one was up and is being brought back. */
  connected = false;
  reconnecting = false;
  panelOpen = false;

  #saved: Saved;
  #identity: Identity | null = null;
  #userHasMessages = false;
  #session: Session | null = null;
  #pendingSession: Promise<Session> | null = null;
  #ws: WebSocket | null = null;
  #opening = false;
  #wanted = false;
  #attempts = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #typingTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #listeners = new Set<() => void>();

  readonly #storageKey: string;

  constructor(
    readonly api: string,
    storageKey: string,
  ) {
    this.#storageKey = storageKey;
    this.#saved = loadSaved(storageKey);
    addEventListener("online", () => this.#wanted && !this.#ws && this.#reconnectNow());
    addEventListener("pagehide", () => this.#ws?.close(1000, "page closed"));
    // Another tab of the site read the replies (or got a device id): follow it, so badges agree.
    addEventListener("storage", (e) => {
      if (e.key !== storageKey) return;
      this.#saved = loadSaved(storageKey);
      this.emit();
    });
  }

  /** Whether this device (or identified user) has a conversation worth connecting to on page load. */
  get hasConversation(): boolean {
    return this.#identity ? this.#userHasMessages : !!this.#saved.hasMessages;
  }

  /** The conversation this page is talking to, once a session exists. */
  get conversationId(): string | null {
    return this.#session?.conversationId ?? null;
  }

  get unread(): number {
    const read = this.#readUpTo();
    let n = 0;
    for (const e of this.entries.values()) if (!e.mine && e.seq !== null && e.seq > read) n++;
    return n;
  }

  on(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(): void {
    if (this.panelOpen) this.markRead();
    for (const listener of this.#listeners) listener();
  }

  // ---- identity and session ----

  /** Switches to the conversation of a user the host site signed for; `null` goes back to the device's. */
  async identify(identity: Identity | null): Promise<void> {
    this.#identity = identity;
    this.#userHasMessages = false;
    this.#session = null;
    this.#pendingSession = null;
    this.entries.clear();
    this.contact = null;
    const old = this.#ws;
    this.#ws = null;
    old?.close(1000, "identity changed");
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#attempts = 0;
    this.emit();
    if (!identity && !this.#saved.hasMessages) return;
    try {
      const s = await this.ensureSession();
      if (s.lastSeq > 0 || this.panelOpen) this.connect();
    } catch (err) {
      if (identity && err instanceof ApiRefusal) this.#identity = null;
      throw err;
    }
  }

  /** A valid session, creating the device's (or user's) conversation on first use. */
  ensureSession(): Promise<Session> {
    if (this.#session && this.#session.expiresAt - Date.now() > 60_000) return Promise.resolve(this.#session);
    this.#pendingSession ??= this.#startSession().finally(() => (this.#pendingSession = null));
    return this.#pendingSession;
  }

  async #startSession(): Promise<Session> {
    const identity = this.#identity;
    let s: Session;
    try {
      s = await this.request<Session>(
        "POST",
        "/session",
        { deviceId: this.#saved.deviceId, identity: identity ?? undefined },
        false,
      );
    } catch (err) {
      if (!(err instanceof ApiRefusal && err.code === "unknown_device")) throw err;
      this.#saved = {}; // issued under another secret, or tampered with: start afresh
      s = await this.request<Session>("POST", "/session", { identity: identity ?? undefined }, false);
    }
    // identify() was called meanwhile: this session belongs to the previous identity.
    if (identity !== this.#identity) return this.ensureSession();
    if (s.deviceId && !s.identified) {
      if (this.#saved.conversationId !== s.conversationId) this.#saved = { ...this.#saved, hasMessages: false };
      this.#saved.deviceId = s.deviceId;
      this.#saved.conversationId = s.conversationId;
      this.#save();
    } else if (s.deviceId && !this.#saved.deviceId) {
      this.#saved.deviceId = s.deviceId;
      this.#save();
    }
    this.#session = s;
    this.contact = s.contact;
    this.#noteMessages(s.lastSeq > 0);
    this.emit();
    return s;
  }

  /** A widget API call with this session's token (and a new session first if needed). */
  async request<T>(method: string, path: string, body?: unknown, auth = true): Promise<T> {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (auth) headers.authorization = `Bearer ${(await this.ensureSession()).token}`;
    const res = await fetch(`${this.api}/api/widget${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = (await res.json().catch(() => ({}))) as T & { error?: { code: string; message: string } };
    if (!res.ok) {
      if (res.status === 401 && auth) this.#session = null;
      throw new ApiRefusal(res.status, data.error?.code ?? "http_error", data.error?.message ?? res.statusText);
    }
    return data;
  }

  // ---- the live socket ----

  /** Keeps a socket open from now on (S3: the visitor shows online; replies arrive live). */
  connect(): void {
    this.#wanted = true;
    if (!this.#ws && !this.#opening && this.#retryTimer === undefined) void this.#open();
  }

  async #open(): Promise<void> {
    let session: Session;
    this.#opening = true;
    try {
      session = await this.ensureSession();
    } catch {
      return this.#scheduleReconnect();
    } finally {
      this.#opening = false;
    }
    if (this.#ws) return;
    const url = new URL(`/api/widget/socket`, this.api.replace(/^http/, "ws"));
    url.searchParams.set("token", session.token);
    url.searchParams.set("after", String(Math.max(this.#lastSeq(), this.#readUpTo())));
    const ws = new WebSocket(url);
    this.#ws = ws;
    let welcomed = false;
    const ping = setInterval(() => ws.readyState === WebSocket.OPEN && ws.send(PING), PING_INTERVAL_MS);
    ws.onmessage = (e) => {
      if (this.#ws !== ws || e.data === "pong" || typeof e.data !== "string") return;
      const frame = JSON.parse(e.data) as ServerFrame;
      if (frame.type === "welcome") {
        welcomed = true;
        this.#attempts = 0;
        this.connected = true;
        this.reconnecting = false;
        this.emit();
      } else if (frame.type === "message") {
        this.add(frame.message);
      } else if (frame.type === "typing" && frame.who === "agent") {
        this.#showTyping(frame.typing ? (frame.agentName ?? "") : null);
      }
    };
    ws.onclose = () => {
      clearInterval(ping);
      if (this.#ws !== ws) return;
      this.#ws = null;
      // Refused before the welcome: most likely the token; get a new session next time.
      if (!welcomed) this.#session = null;
      this.reconnecting = this.connected || this.reconnecting;
      this.connected = false;
      this.emit();
      if (this.#wanted) this.#scheduleReconnect();
    };
  }

  /** Exponential backoff with jitter, so a deploy that drops every socket is not followed by a stampede. */
  #scheduleReconnect(): void {
    const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** this.#attempts++) * (0.5 + Math.random() / 2);
    this.#retryTimer = setTimeout(() => this.#reconnectNow(), delay);
  }

  #reconnectNow(): void {
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    if (this.#wanted && !this.#ws && !this.#opening) void this.#open();
  }

  /** Tells the agents whether the visitor is typing. */
  typing(typing: boolean): void {
    if (this.#ws?.readyState === WebSocket.OPEN) this.#ws.send(JSON.stringify({ type: "typing", typing }));
  }

  #showTyping(name: string | null): void {
    clearTimeout(this.#typingTimer);
    this.agentTyping = name;
    if (name !== null) this.#typingTimer = setTimeout(() => this.#showTyping(null), TYPING_SHOWN_MS);
    this.emit();
  }

  // ---- messages ----

  /** Merges a stored message (from the socket, history or a send) into the entries. */
  add(m: Message, notify = true): void {
    if (m.channel !== "chat" || (this.#session && m.conversationId !== this.#session.conversationId)) return;
    if (m.author.kind === "agent" && this.agentTyping !== null) this.#showTyping(null);
    const mine = m.direction === "inbound";
    const key = mine && m.clientId ? m.clientId : m.id;
    this.entries.set(key, { key, seq: m.seq, text: m.text, mine, author: m.author.name, status: "sent" });
    this.#noteMessages(true);
    if (notify) this.emit();
  }

  #lastSeq(): number {
    let max = 0;
    for (const e of this.entries.values()) if (e.seq !== null && e.seq > max) max = e.seq;
    return max;
  }

  #readUpTo(): number {
    return this.#session ? (this.#saved.reads?.[this.#session.conversationId] ?? 0) : 0;
  }

  /** The open panel has shown everything: nothing is unread any more (S17). */
  markRead(): void {
    const id = this.#session?.conversationId;
    const seq = this.#lastSeq();
    if (!id || seq <= this.#readUpTo()) return;
    this.#saved.reads = { ...this.#saved.reads, [id]: seq };
    this.#save();
  }

  #noteMessages(has: boolean): void {
    if (has && this.#session?.identified) this.#userHasMessages = true;
    if (has && !this.#saved.hasMessages && this.#session && !this.#session.identified) {
      this.#saved.hasMessages = true;
      this.#save();
    }
  }

  #save(): void {
    // Read pointers of conversations left behind are dropped, so the record stays small.
    const keep = [this.#saved.conversationId, this.#session?.conversationId];
    const reads = Object.fromEntries(Object.entries(this.#saved.reads ?? {}).filter(([id]) => keep.includes(id)));
    storeSaved(this.#storageKey, { ...this.#saved, reads });
  }
}
