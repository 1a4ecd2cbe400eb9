import type { AgentView } from "../../../auth/agent-view";
import { initials } from "../format";
import { Icon, type IconName } from "../icons";
import { t } from "../i18n";
import { navigate } from "../router";
import { counted } from "../state";
import { Bell } from "./Bell";
import { AvailabilitySwitch } from "./Ownership";

/**
 * The app's main menu: a rail of icons on the left of a wide screen, a bar across the top of a narrow
 * one. The Conversations entry carries a red badge while anything is unread (S2).
 */
export function Menu({
  me,
  unread,
  page,
  onSignOut,
}: {
  me: AgentView;
  unread: number;
  page: string;
  onSignOut: () => void;
}) {
  counted("menu");
  const link = (href: string, icon: IconName, label: string, current: boolean, extra?: unknown) => (
    <a
      href={href}
      class="menu-link"
      data-tip={label}
      aria-current={current ? "page" : undefined}
      onClick={(e: MouseEvent) => {
        e.preventDefault();
        navigate(href);
      }}
    >
      <Icon name={icon} />
      <span class="visually-hidden">{label}</span>
      {extra}
    </a>
  );
  return (
    <nav class="menu" aria-label={t.mainMenu}>
      <span class="brand" title={t.appName}>
        <Icon name="brand" />
      </span>
      <ul>
        <li>
          {link(
            "/",
            "inbox",
            t.conversations,
            page === "inbox",
            unread > 0 ? (
              <span class="red-dot" data-testid="unread-dot" title={t.unreadConversations(unread)}>
                <span aria-hidden="true">{unread > 99 ? "99+" : unread}</span>
                <span class="visually-hidden">{t.unreadConversations(unread)}</span>
              </span>
            ) : null,
          )}
        </li>
        <li>{link("/set-aside", "setAside", t.setAside, page === "set-aside")}</li>
        <li>{link("/saved-responses", "saved", t.savedResponses, page === "saved-responses")}</li>
        {me.role === "admin" ? <li>{link("/admin/agents", "agents", t.agents, page === "agents")}</li> : null}
      </ul>
      <div class="me">
        <Bell />
        <AvailabilitySwitch meId={me.id} />
        <a
          href="/profile"
          class="avatar avatar-sm tone-me profile-link"
          title={t.signedInAs(me.name)}
          aria-current={page === "profile" ? "page" : undefined}
          onClick={(e: MouseEvent) => {
            e.preventDefault();
            navigate("/profile");
          }}
        >
          <span aria-hidden="true">{initials(me.name)}</span>
          <span class="visually-hidden">
            {t.profile} ({t.signedInAs(me.name)})
          </span>
        </a>
        <button type="button" class="icon-button menu-button" data-tip={t.signOut} onClick={onSignOut}>
          <Icon name="signOut" />
          <span class="visually-hidden">{t.signOut}</span>
        </button>
      </div>
    </nav>
  );
}
