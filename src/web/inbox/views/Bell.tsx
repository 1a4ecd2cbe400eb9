import { useEffect, useRef, useState } from "hono/jsx/dom";
import type { AgentNotification } from "../../../protocol";
import { displayName } from "../format";
import { Icon } from "../icons";
import { t } from "../i18n";
import { noticeActions, notices, noticeUrl } from "../notifications";
import { counted, useSelect } from "../state";
import { store } from "../inbox-state";
import { RelativeTime } from "./Time";

function NoticeItem({ n, where, onOpen }: { n: AgentNotification; where: string | null; onOpen: () => void }) {
  const unread = n.readAt === null;
  return (
    <li class={`notice${unread ? " unread" : ""}`} data-notice-id={n.id}>
      <a
        href={noticeUrl(n)}
        class="notice-link"
        onClick={(e: MouseEvent) => {
          e.preventDefault();
          onOpen();
          noticeActions.open(n);
        }}
      >
        {unread ? (
          <>
            <span class="notice-dot" aria-hidden="true" />
            <span class="visually-hidden">{t.unreadNotice}: </span>
          </>
        ) : null}
        <span class="notice-title">{t.noticeTitle(n.kind, n.actor)}</span>
        {where && where !== n.actor ? <span class="notice-where">{where}</span> : null}
        {n.preview ? <span class="notice-preview">{n.preview}</span> : null}
        <RelativeTime at={n.createdAt} class="notice-time" />
      </a>
    </li>
  );
}

/** The notices, each with the name of its conversation when the list knows it (rendered while the panel is open). */
function NoticeList({ onOpen }: { onOpen: () => void }) {
  const items = useSelect(notices, (s) => s.items);
  const conversations = useSelect(store, (s) => s.conversations);
  return (
    <ul class="notices" aria-labelledby="notices-title">
      {items.map((n) => {
        const c = conversations.get(n.conversationId);
        return <NoticeItem key={n.id} n={n} where={c ? displayName(c) : null} onOpen={onOpen} />;
      })}
    </ul>
  );
}

/**
 * S39: the bell in the menu, with my unread notices' count; it opens my notices (newest first, live,
 * more on demand), each opening its conversation at its message. Escape or a click elsewhere closes it.
 */
export function Bell() {
  counted("bell");
  const [open, setOpen] = useState(false);
  const unread = useSelect(notices, (s) => s.unread);
  const empty = useSelect(notices, (s) => s.items.length === 0);
  const more = useSelect(notices, (s) => s.nextCursor !== null);
  const loaded = useSelect(notices, (s) => s.loaded);
  const said = useSelect(notices, (s) => s.said);
  const root = useRef<HTMLDivElement>(null);
  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) document.getElementById("bell-button")?.focus();
  };
  useEffect(() => {
    if (!open) return;
    const panel = root.current?.querySelector<HTMLElement>("#notices-panel");
    (panel?.querySelector<HTMLElement>(".notice-link") ?? panel)?.focus();
    const outside = (e: PointerEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    addEventListener("pointerdown", outside, true);
    return () => removeEventListener("pointerdown", outside, true);
  }, [open]);
  return (
    <div class="bell" ref={root}>
      <p class="visually-hidden" aria-live="polite">
        {said}
      </p>
      <button
        type="button"
        id="bell-button"
        class="icon-button menu-button"
        aria-expanded={open ? "true" : "false"}
        aria-controls="notices-panel"
        aria-label={t.notificationsCount(unread)}
        data-tip={t.notifications}
        onClick={() => setOpen(!open)}
      >
        <Icon name="bell" />
        {unread > 0 ? (
          <span class="red-dot" aria-hidden="true" data-testid="notices-count">
            {unread > 99 ? "99+" : unread}
          </span>
        ) : null}
      </button>
      {open ? (
        <section
          id="notices-panel"
          class="notices-panel"
          role="dialog"
          aria-labelledby="notices-title"
          tabindex={-1}
          onKeyDown={(e: KeyboardEvent) => {
            if (e.key === "Escape") close(true);
          }}
        >
          <header class="notices-head">
            <h2 id="notices-title">{t.notifications}</h2>
            <button
              type="button"
              class="button small ghost"
              disabled={unread === 0}
              onClick={() => void noticeActions.markAllRead().catch(() => {})}
            >
              {t.markAllRead}
            </button>
          </header>
          {loaded && empty ? <p class="notices-empty">{t.noNotifications}</p> : null}
          <NoticeList onOpen={() => close(false)} />
          {more ? (
            <button
              type="button"
              class="button small wide notices-more"
              onClick={async () => {
                // The focus moves on to the first notice loaded (the button may go with the last page).
                const at = notices.state.items.length;
                await noticeActions.load(true).catch(() => {});
                requestAnimationFrame(() => root.current?.querySelectorAll<HTMLElement>(".notice-link")[at]?.focus());
              }}
            >
              {t.loadMore}
            </button>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}
