// The inbox's state: one immutable snapshot (InboxState) in `store`, the selectors that derive from it,
// and the pure functions that make the next snapshot. What changes it is InboxActions, in ./store.
import type { AgentView } from "../../auth/agent-view";
import type { Channel, ConversationStatus, ConversationSummary, Message } from "../../protocol";
import { displayName } from "./format";
import { Store } from "./state";
import type { View } from "./team";

export interface Filters {
  /** S31: whose conversations: mine, nobody's, or everyone's. */
  readonly view: View;
  readonly status: ConversationStatus | "all";
  readonly channel: Channel | "";
  readonly unread: boolean;
  readonly search: string;
}

export interface Pending {
  readonly clientId: string;
  readonly text: string;
  readonly channel: Channel;
  readonly state: "sending" | "failed";
  /** Why it was refused (e.g. Messenger's 24-hour window). */
  readonly error?: string;
  /** S7: a retry can succeed (the network or the server failed); false when the refusal will stand. */
  readonly retryable?: boolean;
}

/** The open conversation: what its thread shows. Presence and typing live in their own slices. */
export interface Thread {
  readonly id: string;
  readonly summary: ConversationSummary | null;
  readonly messages: readonly Message[];
  readonly pending: readonly Pending[];
}

/** Who is typing where: changes many times a second, so it is a slice of its own. */
export interface Typing {
  /** Conversations whose visitor is typing now. */
  readonly visitors: ReadonlySet<string>;
  /** Another agent typing in a conversation: its name. */
  readonly agents: ReadonlyMap<string, string>;
}

/** One immutable snapshot of everything the app shows. Every change makes a new one. */
export interface InboxState {
  readonly me: AgentView | null;
  /** The list as loaded and kept current by the feed socket. */
  readonly conversations: ReadonlyMap<string, ConversationSummary>;
  /** Unread conversations the server counted that are not in `conversations` (beyond the loaded page). */
  readonly hiddenUnread: number;
  readonly nextCursor: string | null;
  readonly listLoaded: boolean;
  readonly filters: Filters;
  /** Conversations whose visitor has a page open (S3). */
  readonly online: ReadonlySet<string>;
  readonly typing: Typing;
  readonly thread: Thread | null;
  readonly connected: boolean;
  /** Said by screen readers (a polite live region). */
  readonly announcement: string;
  /** Moves every 30 s so relative times ("5 min") move on; only time labels read it. */
  readonly now: number;
}

export const initialState: InboxState = {
  me: null,
  conversations: new Map(),
  hiddenUnread: 0,
  nextCursor: null,
  listLoaded: false,
  filters: { view: "all", status: "open", channel: "", unread: false, search: "" },
  online: new Set(),
  typing: { visitors: new Set(), agents: new Map() },
  thread: null,
  connected: true,
  announcement: "",
  now: Date.now(),
};

export const store = new Store<InboxState>(initialState);

// ---- selectors: derived values, memoized on the slices they read ----

/** Returns a function that recomputes only when one of the inputs is a different value. */
function memoize<A extends readonly unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
  let last: { args: A; result: R } | null = null;
  return (...args: A) => {
    if (last && args.every((a, i) => Object.is(a, last!.args[i]))) return last.result;
    last = { args, result: fn(...args) };
    return last.result;
  };
}

/** S2: what the unread count counts, as the server's counters do: open, not snoozed, unread. */
export function countsAsUnread(c: ConversationSummary): boolean {
  return !c.read && c.status === "open" && !c.snoozedUntil;
}

export function knownUnread(conversations: ReadonlyMap<string, ConversationSummary>): number {
  let n = 0;
  for (const c of conversations.values()) if (countsAsUnread(c)) n++;
  return n;
}

const countUnread = memoize(
  (conversations: ReadonlyMap<string, ConversationSummary>, hidden: number) => hidden + knownUnread(conversations),
);

/** S2: unread conversations, derived from what is known plus what the server counted beyond it. */
export function unreadCount(s: InboxState): number {
  return countUnread(s.conversations, s.hiddenUnread);
}

/** The list as shown: filters applied, newest activity first. Sorted again only when the list or filters change. */
export const visibleConversations = memoize(
  (
    conversations: ReadonlyMap<string, ConversationSummary>,
    filters: Filters,
    meId: string | null = null,
    mentioned: ReadonlySet<string> = new Set(),
  ) => {
    const q = filters.search.trim().toLowerCase();
    return (
      [...conversations.values()]
        .filter((c) => (filters.view === "mentions" ? mentioned.has(c.id) : inView(c, filters.view, meId)))
        // Open means open and not snoozed (S36): a snoozed one waits in Snoozed.
        .filter(
          (c) =>
            filters.view === "snoozed" ||
            filters.status === "all" ||
            (c.status === filters.status && (filters.status !== "open" || !c.snoozedUntil)),
        )
        .filter((c) => !filters.channel || c.channel === filters.channel)
        .filter((c) => !filters.unread || !c.read)
        .filter(
          (c) =>
            !q || [displayName(c), c.contact?.email ?? "", c.preview ?? ""].some((x) => x.toLowerCase().includes(q)),
        )
        .sort((a, b) => b.lastMessageAt - a.lastMessageAt || (a.id < b.id ? 1 : -1))
    );
  },
);

/** Whether a conversation belongs in a view (S31, S35, S36). */
function inView(c: ConversationSummary, view: View, meId: string | null): boolean {
  if (view === "mine") return c.assignee?.id === meId;
  if (view === "unassigned") return !c.assignee;
  if (view === "snoozed") return c.status === "open" && c.snoozedUntil !== null;
  if (view.startsWith("label:")) return c.labels.includes(view.slice(6));
  return true;
}

export function filtersActive(f: Filters): boolean {
  return f.view !== "all" || f.status !== "open" || f.channel !== "" || f.unread || f.search.trim() !== "";
}

// ---- pure updates: (state, input) → new state ----

export function withSet<T>(set: ReadonlySet<T>, item: T, present: boolean): ReadonlySet<T> {
  if (set.has(item) === present) return set;
  const next = new Set(set);
  if (present) next.add(item);
  else next.delete(item);
  return next;
}

const STATUS_RANK: Record<Message["status"], number> = { sending: 0, failed: 1, sent: 2, delivered: 3, read: 4 };

/** Adds messages once each, in sequence order, and settles the pending sends they answer. */
export function addMessages(thread: Thread, incoming: readonly Message[]): Thread {
  let messages = thread.messages;
  let pending = thread.pending;
  for (const m of incoming) {
    const at = messages.findIndex((x) => x.seq === m.seq);
    if (at !== -1) {
      // The same message again (a reply's answer after its socket frame): keep the furthest status.
      const known = messages[at]!;
      if (STATUS_RANK[m.status] > STATUS_RANK[known.status])
        messages = messages.with(at, { ...known, status: m.status, error: m.error });
      if (m.clientId && pending.some((p) => p.clientId === m.clientId))
        pending = pending.filter((p) => p.clientId !== m.clientId);
      continue;
    }
    const last = messages.at(-1);
    messages = !last || last.seq < m.seq ? [...messages, m] : [...messages, m].sort((a, b) => a.seq - b.seq);
    if (m.clientId && pending.some((p) => p.clientId === m.clientId))
      pending = pending.filter((p) => p.clientId !== m.clientId);
  }
  return messages === thread.messages && pending === thread.pending ? thread : { ...thread, messages, pending };
}

/** A message's delivery status changed (sent, delivered, read, failed). */
export function setMessageStatus(thread: Thread, seq: number, status: Message["status"], error: string | null): Thread {
  const at = thread.messages.findIndex((m) => m.seq === seq);
  if (at === -1) return thread;
  return { ...thread, messages: thread.messages.with(at, { ...thread.messages[at]!, status, error }) };
}

/** Applies a newer version of a conversation to the list and the open thread; older versions change nothing. */
export function applySummary(s: InboxState, c: ConversationSummary): InboxState {
  const known = s.conversations.get(c.id);
  if (known && known.version >= c.version) {
    // The thread may hold an older copy (it was opened from beyond the loaded page).
    if (s.thread?.id === c.id && (s.thread.summary?.version ?? 0) < known.version)
      return { ...s, thread: { ...s.thread, summary: known } };
    return s;
  }
  const conversations = new Map(s.conversations).set(c.id, c);
  const thread =
    s.thread?.id === c.id && (s.thread.summary?.version ?? 0) < c.version ? { ...s.thread, summary: c } : s.thread;
  return { ...s, conversations, thread };
}
