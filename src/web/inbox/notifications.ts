import type { NotificationPrefs } from "../../notifications/store";
import type { AgentNotification, ServerFrame } from "../../protocol";
import { inOneTab, playSound, primeSound, showDesktop } from "./alerts";
import { api, ok } from "./api";
import { t } from "./i18n";
import { registerWorker } from "./push";
import { navigate, paths } from "./router";
import { Store } from "./state";

/** S39: my notices (newest first, as far as loaded), the server's unread count, and my preferences. */
export interface NoticesState {
  readonly items: readonly AgentNotification[];
  readonly unread: number;
  readonly nextCursor: string | null;
  readonly loaded: boolean;
  readonly prefs: NotificationPrefs | null;
  /** Said by screen readers: a live assignment (mentions and customer messages are said where they show). */
  readonly said: string;
}

const empty: NoticesState = { items: [], unread: 0, nextCursor: null, loaded: false, prefs: null, said: "" };
export const notices = new Store<NoticesState>(empty);

/** What the inbox's own state tells this module (it cannot import the store, which imports it). */
export interface InboxView {
  /** The conversation open in this tab, if any. */
  viewing(): string | null;
  /** Whether that conversation's thread has loaded. */
  loaded(conversationId: string): boolean;
  /** Loads the thread back to a message older than those loaded; true once it holds it. */
  reachBack(conversationId: string, seq: number): Promise<boolean>;
}

const idle: InboxView = { viewing: () => null, loaded: () => false, reachBack: async () => false };
let view: InboxView = idle;
let cleanups: (() => void)[] = [];

/** Where a notice opens: its conversation, at its message. */
export function noticeUrl(n: Pick<AgentNotification, "conversationId" | "seq" | "id">): string {
  return `${paths.conversation(n.conversationId)}?seq=${n.seq}&n=${n.id}`;
}

/** The agent is looking at it: this tab is visible and shows that conversation. */
function lookingAt(conversationId: string): boolean {
  return document.visibilityState === "visible" && view.viewing() === conversationId;
}

/** Resolves on the next frame (or soon, in a hidden tab, where frames wait). */
const frame = () =>
  new Promise((resolve) => (document.hidden ? setTimeout(resolve, 50) : requestAnimationFrame(resolve)));

/**
 * Once the conversation's thread has loaded (reaching back to the message if it is older than those
 * loaded), scrolls to the message, marks it for a moment and moves the focus to it.
 */
async function reveal(conversationId: string, seq: number): Promise<void> {
  if (seq <= 0) return;
  for (let n = 0; !view.loaded(conversationId); n++) {
    if (n > 600) return;
    await frame();
  }
  if (!(await view.reachBack(conversationId, seq).catch(() => false))) return;
  for (let n = 0; n < 300; n++) {
    await frame();
    const el = document.querySelector<HTMLElement>(`.thread li[data-seq="${seq}"]`);
    if (!el) continue;
    el.tabIndex = -1;
    el.scrollIntoView({ block: "center" });
    el.focus({ preventScroll: true });
    el.classList.add("revealed");
    setTimeout(() => el.classList.remove("revealed"), 3000);
    return;
  }
}

/** Opens a path a notification's click named (`/conversations/<id>?seq=<n>&n=<notice>`). */
function openUrl(url: string): void {
  const target = new URL(url, location.origin);
  const match = /^\/conversations\/(c_[0-9a-f]{32})$/.exec(target.pathname);
  if (!match) {
    navigate("/");
    return;
  }
  const id = target.searchParams.get("n");
  if (id && /^nt_[0-9a-f]{32}$/.test(id)) void noticeActions.markRead(id);
  navigate(target.pathname);
  void reveal(match[1]!, Number(target.searchParams.get("seq")) || 0);
}

function withRead(items: readonly AgentNotification[], read: (n: AgentNotification) => boolean) {
  const at = Date.now();
  return items.map((n) => (n.readAt === null && read(n) ? { ...n, readAt: at } : n));
}

export const noticeActions = {
  start(inbox: InboxView): void {
    view = inbox;
    // The list loads once the feed is connected (store.ts), so nothing made in between is missed.
    void this.loadPrefs().catch(() => {});
    void registerWorker();
    const onWorkerMessage = (e: MessageEvent) => {
      const data = e.data as { type?: string; url?: string } | null;
      if (data?.type === "open" && typeof data.url === "string") openUrl(data.url);
    };
    // Another tab may have read some: the list is fresh whenever the agent comes back.
    const onVisible = () => document.visibilityState === "visible" && void this.load().catch(() => {});
    navigator.serviceWorker?.addEventListener("message", onWorkerMessage);
    document.addEventListener("visibilitychange", onVisible);
    cleanups = [
      primeSound(),
      () => navigator.serviceWorker?.removeEventListener("message", onWorkerMessage),
      () => document.removeEventListener("visibilitychange", onVisible),
    ];
    // Opened by a push's click with no tab open: the URL says which message.
    const params = new URLSearchParams(location.search);
    if (params.has("seq")) {
      const url = location.pathname + location.search;
      history.replaceState(history.state, "", location.pathname);
      openUrl(url);
    }
  },

  stop(): void {
    for (const cleanup of cleanups) cleanup();
    cleanups = [];
    view = idle;
    notices.set(empty);
  },

  async load(more = false): Promise<void> {
    const cursor = more ? notices.state.nextCursor : null;
    const page = await ok(await api.notifications.$get({ query: { limit: "20", ...(cursor ? { cursor } : {}) } }));
    notices.set((s) => {
      const known = new Set(page.notifications.map((n) => n.id));
      // Live notices that arrived while this page was on its way stay on top.
      const live = more
        ? []
        : s.items.filter((n) => !known.has(n.id) && n.createdAt > (page.notifications[0]?.createdAt ?? 0));
      const items = more
        ? [...s.items, ...page.notifications.filter((n) => !s.items.some((x) => x.id === n.id))]
        : [...live, ...page.notifications];
      return {
        ...s,
        items,
        unread: page.unread + (more ? 0 : live.filter((n) => n.readAt === null).length),
        nextCursor: page.nextCursor,
        loaded: true,
      };
    });
  },

  async loadPrefs(): Promise<void> {
    const prefs = await ok(await api.notifications.preferences.$get());
    notices.set((s) => ({ ...s, prefs }));
  },

  async savePrefs(changes: Partial<NotificationPrefs>): Promise<void> {
    const current = notices.state.prefs;
    if (!current) return;
    const prefs = await ok(await api.notifications.preferences.$put({ json: { ...current, ...changes } }));
    notices.set((s) => ({ ...s, prefs }));
  },

  /** A notice from the feed: on top of the list, and a signal unless the agent is looking at its conversation. */
  onFeedFrame(f: ServerFrame): void {
    if (f.type !== "notification") return;
    const n = f.notification;
    if (notices.state.items.some((x) => x.id === n.id)) return;
    const looking = lookingAt(n.conversationId);
    notices.set((s) => ({
      ...s,
      items: [looking ? { ...n, readAt: Date.now() } : n, ...s.items],
      unread: s.unread + (looking ? 0 : 1),
      said: n.kind === "assigned" ? t.noticeTitle(n.kind, n.actor) : s.said,
    }));
    if (looking) {
      void api.notifications[":id"].read.$post({ param: { id: n.id } }).catch(() => {});
      return;
    }
    const prefs = notices.state.prefs ?? { desktop: true, sound: true };
    inOneTab(n.id, () => {
      if (prefs.desktop)
        void showDesktop(
          { title: t.noticeTitle(n.kind, n.actor), body: n.preview ?? "", tag: n.id, url: noticeUrl(n) },
          () => this.open(n),
        ).catch(() => {});
      if (prefs.sound) playSound();
    });
  },

  async markRead(id: string): Promise<void> {
    const known = notices.state.items.find((n) => n.id === id);
    if (known?.readAt === null)
      notices.set((s) => ({
        ...s,
        items: withRead(s.items, (n) => n.id === id),
        unread: Math.max(0, s.unread - 1),
      }));
    await api.notifications[":id"].read
      .$post({ param: { id } })
      .then(ok)
      .catch(() => {});
    if (!known) await this.load().catch(() => {});
  },

  async markAllRead(): Promise<void> {
    notices.set((s) => ({ ...s, items: withRead(s.items, () => true), unread: 0 }));
    await ok(await api.notifications["read-all"].$post());
  },

  /** Opening a conversation sees its notices (those loaded here). */
  seen(conversationId: string): void {
    for (const n of notices.state.items)
      if (n.conversationId === conversationId && n.readAt === null) void this.markRead(n.id);
  },

  /** A notice's click: read, and its conversation opened at its message. */
  open(n: AgentNotification): void {
    void this.markRead(n.id);
    navigate(paths.conversation(n.conversationId));
    void reveal(n.conversationId, n.seq);
  },
};
