/** Client-side routes: `/`, `/conversations/:id`, `/set-aside`, `/admin/agents`. */
export type Route = { page: "inbox"; conversationId: string | null } | { page: "agents" } | { page: "set-aside" };

export function currentRoute(): Route {
  const path = location.pathname;
  const match = /^\/conversations\/(c_[0-9a-f]{32})$/.exec(path);
  if (match) return { page: "inbox", conversationId: match[1]! };
  if (path === "/admin/agents") return { page: "agents" };
  if (path === "/set-aside") return { page: "set-aside" };
  return { page: "inbox", conversationId: null };
}

const listeners = new Set<() => void>();
export function onRouteChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function navigate(path: string): void {
  if (location.pathname !== path) history.pushState(null, "", path);
  for (const l of listeners) l();
}

addEventListener("popstate", () => {
  for (const l of listeners) l();
});
