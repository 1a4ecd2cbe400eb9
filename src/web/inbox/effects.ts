import { t } from "./i18n";
import { type InboxState, store, unreadCount } from "./store";

/** The favicon: the app's mark, with a red dot while anything is unread (S2). */
function favicon(unread: boolean): string {
  const dot = unread ? `<circle cx="25" cy="7" r="6.5" fill="#d92d20" stroke="#fff" stroke-width="2"/>` : "";
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="8" fill="#2456d3"/><path d="M8 9h16v11H13l-5 4z" fill="#fff"/>${dot}</svg>`;
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}

/**
 * What the state shows outside the page: the tab's title carries the unread count (S2) and the favicon
 * a dot. Kept out of the store, which only holds state; this follows it. (Sounds will go here too.)
 */
export function followState(): () => void {
  let shown = -1;
  const link =
    document.querySelector<HTMLLinkElement>("link[rel=icon]") ??
    document.head.appendChild(Object.assign(document.createElement("link"), { rel: "icon" }));
  const apply = (s: InboxState) => {
    const n = s.me ? unreadCount(s) : 0;
    if (n === shown) return;
    shown = n;
    document.title = n > 0 ? `(${n}) ${t.appName}` : t.appName;
    link.href = favicon(n > 0);
  };
  apply(store.state);
  return store.subscribe(() => apply(store.state));
}
