import type { AgentView } from "../../../auth/agent-view";
import { t } from "../i18n";
import { navigate } from "../router";

/** The app's main menu; the Conversations entry carries the red dot while anything is unread (S2). */
export function Menu({ me, unread, page, onSignOut }: { me: AgentView; unread: number; page: string; onSignOut: () => void }) {
  const link = (href: string, label: string, current: boolean, extra?: unknown) => (
    <a
      href={href}
      aria-current={current ? "page" : undefined}
      onClick={(e: MouseEvent) => {
        e.preventDefault();
        navigate(href);
      }}
    >
      {label}
      {extra}
    </a>
  );
  return (
    <nav class="menu" aria-label={t.mainMenu}>
      <span class="brand">{t.appName}</span>
      <ul>
        <li>
          {link(
            "/",
            t.conversations,
            page === "inbox",
            unread > 0 ? (
              <span class="red-dot" data-testid="unread-dot" title={t.unreadConversations(unread)}>
                <span class="visually-hidden">{t.unreadConversations(unread)}</span>
              </span>
            ) : null,
          )}
        </li>
        <li>{link("/set-aside", t.setAside, page === "set-aside")}</li>
        {me.role === "admin" ? <li>{link("/admin/agents", t.agents, page === "agents")}</li> : null}
      </ul>
      <p class="shortcuts">{t.shortcuts}</p>
      <div class="me">
        <span>{me.name}</span>
        <button type="button" onClick={onSignOut}>
          {t.signOut}
        </button>
      </div>
    </nav>
  );
}
