import { faviconWith } from "./alerts";
import { t } from "./i18n";
import { notices } from "./notifications";
import { type InboxState, store, unreadCount } from "./inbox-state";

/** The favicon as an SVG: the app's mark, with a red dot while anything is unread (S2); where no canvas draws. */
function faviconSvg(unread: boolean): string {
  const dot = unread ? `<circle cx="25" cy="7" r="6.5" fill="#d92d20" stroke="#fff" stroke-width="2"/>` : "";
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="8" fill="#2456d3"/><path d="M8 9h16v11H13l-5 4z" fill="#fff"/>${dot}</svg>`;
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}

/**
 * What the state shows outside the page: the tab's title carries the unread count (S2); the favicon the
 * count of unread notices (S39), or a dot while only conversations are unread. Kept out of the stores,
 * which only hold state; this follows them. (The sound and desktop notifications: alerts.ts.)
 */
export function followState(): () => void {
  let shown = "";
  const link =
    document.querySelector<HTMLLinkElement>("link[rel=icon]") ??
    document.head.appendChild(Object.assign(document.createElement("link"), { rel: "icon" }));
  const apply = (s: InboxState) => {
    const n = s.me ? unreadCount(s) : 0;
    const noticed = s.me ? notices.state.unread : 0;
    const key = `${n}:${noticed}`;
    if (key === shown) return;
    shown = key;
    document.title = n > 0 ? `(${n}) ${t.appName}` : t.appName;
    const drawn = noticed > 0 ? faviconWith(noticed, n > 0) : null;
    link.type = drawn ? "image/png" : "image/svg+xml";
    link.href = drawn ?? faviconSvg(n > 0);
  };
  apply(store.state);
  const stops = [store.subscribe(() => apply(store.state)), notices.subscribe(() => apply(store.state))];
  return () => {
    for (const stop of stops) stop();
  };
}
