/**
 * Client-side routes: `/`, `/conversations/:id`, `/conversations/:id/contact`, `/set-aside`,
 * `/saved-responses`, `/profile`, `/admin/agents`. On a narrow screen the inbox shows one pane at a time, and the URL says which:
 * the list, a conversation, or its contact.
 */
export type Pane = "list" | "conversation" | "contact";
export type Route =
  | { page: "inbox"; conversationId: string | null; pane: Pane }
  | { page: "agents" }
  | { page: "set-aside" }
  | { page: "saved-responses" }
  | { page: "profile" };

export function currentRoute(): Route {
  const path = location.pathname;
  const match = /^\/conversations\/(c_[0-9a-f]{32})(\/contact)?$/.exec(path);
  if (match) return { page: "inbox", conversationId: match[1]!, pane: match[2] ? "contact" : "conversation" };
  if (path === "/admin/agents") return { page: "agents" };
  if (path === "/set-aside") return { page: "set-aside" };
  if (path === "/saved-responses") return { page: "saved-responses" };
  if (path === "/profile") return { page: "profile" };
  return { page: "inbox", conversationId: null, pane: "list" };
}

export const paths = {
  list: "/",
  conversation: (id: string) => `/conversations/${id}`,
  contact: (id: string) => `/conversations/${id}/contact`,
};

const listeners = new Set<() => void>();
export function onRouteChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function changed(): void {
  for (const l of listeners) l();
}

export function navigate(path: string): void {
  if (location.pathname !== path) history.pushState({ from: location.pathname }, "", path);
  changed();
}

/**
 * The back action of a pane: to `parent`. When the page before this one in the history is that parent,
 * it goes back (so the browser's own Back does not return here); otherwise it goes there.
 */
export function goUp(parent: string): void {
  if ((history.state as { from?: string } | null)?.from === parent) history.back();
  else navigate(parent);
}

addEventListener("popstate", changed);
