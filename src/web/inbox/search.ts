import type { SearchHit } from "../../search/search";
import { api, type ApiFailure, ok } from "./api";
import { navigate, paths } from "./router";
import { Store } from "./state";
import { actions } from "./store";
import { type Filters, store } from "./inbox-state";

/**
 * S41: the list's search box asks the server (debounced) for every message of every conversation. The
 * list's view and filters still apply: they become operators of the query (unless the agent typed that
 * operator), and "unread only" keeps the hits of unread conversations.
 */
export const SEARCH_DEBOUNCE_MS = 250;

export interface SearchState {
  /** The query sent (the box's text plus the filters' operators); "" when the box is empty. */
  readonly query: string;
  readonly status: "idle" | "loading" | "done" | "failed";
  readonly hits: readonly SearchHit[];
  readonly nextCursor: string | null;
  /** What the server said was wrong with the query (400), or why it failed. */
  readonly error: string | null;
}

const idle: SearchState = { query: "", status: "idle", hits: [], nextCursor: null, error: null };
export const searches = new Store<SearchState>(idle);

/** The box's text with the list's view and filters as operators, each only if the agent typed none of its kind. */
export function queryOf(f: Filters): string {
  const typed = f.search.trim();
  if (!typed) return "";
  const has = (op: string) => new RegExp(`(^|\\s)-?${op}:`, "i").test(typed);
  const ops: string[] = [];
  if (!has("assignee") && f.view === "mine") ops.push("assignee:me");
  if (!has("assignee") && f.view === "unassigned") ops.push("assignee:none");
  if (!has("label") && f.view.startsWith("label:")) ops.push(`label:${f.view.slice("label:".length)}`);
  if (!has("is")) {
    if (f.view === "snoozed") ops.push("is:snoozed");
    else if (f.status !== "all") ops.push(`is:${f.status}`);
  }
  if (!has("in") && f.channel) ops.push(`in:${f.channel}`);
  return [typed, ...ops].join(" ");
}

let timer: ReturnType<typeof setTimeout> | undefined;
let asked = 0;

async function fetchPage(query: string, cursor: string | null): Promise<void> {
  const attempt = ++asked;
  try {
    const page = await ok(await api.search.$get({ query: { q: query, ...(cursor ? { cursor } : {}) } }));
    if (attempt !== asked) return;
    searches.set((s) => ({
      query,
      status: "done",
      hits: cursor ? [...s.hits, ...page.hits] : page.hits,
      nextCursor: page.nextCursor,
      error: null,
    }));
  } catch (err) {
    if (attempt !== asked) return;
    const message = (err as ApiFailure).message ?? String(err);
    searches.set((s) => ({ ...s, query, status: "failed", error: message, ...(cursor ? {} : { hits: [] }) }));
  }
}

export const searchActions = {
  /**
   * The box or the filters changed: search again after a pause in typing. Reads the filters as they are
   * now, never as a render saw them (a late effect of an earlier render asked again for a query the
   * agent had already typed over).
   */
  changed(): void {
    const query = queryOf(store.state.filters);
    // The same search, asked or about to be: leave its timer be (clearing it here left "Searching…" forever).
    if (query === searches.state.query && searches.state.status !== "failed") return;
    clearTimeout(timer);
    if (!query) {
      asked++;
      searches.set(idle);
      return;
    }
    searches.set((s) => ({ ...s, query, status: "loading" }));
    timer = setTimeout(() => void fetchPage(query, null), SEARCH_DEBOUNCE_MS);
  },

  /** The box was emptied: the next search asks the server again, whatever it asked before. */
  reset(): void {
    clearTimeout(timer);
    asked++;
    searches.set(idle);
  },

  more(): void {
    const { query, nextCursor } = searches.state;
    if (nextCursor) void fetchPage(query, nextCursor);
  },

  /** Opens the hit's conversation, scrolled to its message, which is marked for a moment. */
  async open(hit: SearchHit): Promise<void> {
    const id = hit.conversation.id;
    navigate(paths.conversation(id));
    const seq = hit.message?.seq;
    if (!seq) return;
    if (!(await threadLoaded(id)) || !(await actions.reachBack(id, seq))) return;
    reveal(seq);
  },
};

/** Resolves once the open thread is `id` with its messages loaded (false if another one opens first). */
function threadLoaded(id: string): Promise<boolean> {
  return new Promise((resolve) => {
    const check = () => {
      const thread = store.state.thread;
      if (thread?.id === id && thread.messages.length > 0) return done(true);
      if (thread && thread.id !== id) return done(false);
    };
    const done = (value: boolean) => {
      stop();
      clearTimeout(giveUp);
      resolve(value);
    };
    const stop = store.subscribe(check);
    const giveUp = setTimeout(() => done(false), 15_000);
    check();
  });
}

/** Scrolls the thread to a message once it is drawn, marks it for a moment and moves the focus to it. */
function reveal(seq: number): void {
  let frames = 0;
  const attempt = () => {
    const el = document.querySelector<HTMLElement>(`.thread li[data-seq="${seq}"]`);
    if (!el) {
      if (++frames < 300) requestAnimationFrame(attempt);
      return;
    }
    for (const old of document.querySelectorAll(".thread li.search-hit")) old.classList.remove("search-hit");
    el.tabIndex = -1;
    el.scrollIntoView({ block: "center" });
    el.focus({ preventScroll: true });
    el.classList.add("revealed", "search-hit");
    setTimeout(() => el.classList.remove("revealed"), 3000);
  };
  requestAnimationFrame(attempt);
}

/** Whether a hit passes the filters the server does not know (unread only). */
export function shown(hit: SearchHit, f: Filters): boolean {
  const live = store.state.conversations.get(hit.conversation.id) ?? hit.conversation;
  return !f.unread || !live.read;
}
