import "./inbox.css";
import { memo, render, useEffect, useRef, useState } from "hono/jsx/dom";
import type { AgentView } from "../../auth/agent-view";
import { api, whenSignedOut } from "./api";
import { followState } from "./effects";
import { lang, t } from "./i18n";
import { disablePush } from "./push";
import { currentRoute, navigate, onRouteChange, type Route } from "./router";
import { counted, useSelect } from "./state";
import { actions } from "./store";
import { filtersActive, store, unreadCount, visibleConversations } from "./inbox-state";
import { AdminAgents } from "./views/AdminAgents";
import { AdminLabels } from "./views/AdminLabels";
import { ConversationList, moveFocus } from "./views/ConversationList";
import { ConversationView, NoConversation } from "./views/ConversationView";
import { team, teamActions } from "./team";
import { assignToMe, Notice } from "./views/Ownership";
import { ManageResponses } from "./views/ManageResponses";
import { Menu } from "./views/Menu";
import { Profile } from "./views/Profile";
import { SetAside } from "./views/SetAside";
import { SignIn } from "./views/SignIn";

/** Single-key shortcuts, never while typing in a field (S30). */
function onShortcut(e: KeyboardEvent): void {
  const target = e.target as HTMLElement;
  if (e.ctrlKey || e.metaKey || e.altKey || target.closest("input, textarea, select, [contenteditable]")) return;
  const focus = (selector: string) => {
    e.preventDefault();
    document.querySelector<HTMLElement>(selector)?.focus();
  };
  if (e.key === "j") moveFocus(1);
  else if (e.key === "k") moveFocus(-1);
  else if (e.key === "/") focus("#list-search");
  else if (e.key === "r") focus("#composer-text");
  else if (e.key === "e" && store.state.thread?.summary?.status === "open") void actions.setStatus("complete");
  else if (e.key === "a" && store.state.thread) {
    e.preventDefault();
    dispatchEvent(new Event("inbox:assign-menu"));
  } else if (e.key === "i") assignToMe();
  else if ((e.key === "s" || e.key === "l") && store.state.thread) {
    e.preventDefault();
    dispatchEvent(new Event("inbox:triage"));
  } else if (e.key === "u" && store.state.thread?.summary?.read) void teamActions.markUnread(store.state.thread.id);
  else if (e.key === "n" && store.state.thread) {
    e.preventDefault();
    dispatchEvent(new Event("inbox:note"));
  }
}

// ---- containers: each picks the slices of the state its view shows, and re-renders only when they change ----

const MenuContainer = memo(function MenuContainer({
  me,
  page,
  onSignOut,
}: {
  me: AgentView;
  page: string;
  onSignOut: () => void;
}) {
  const unread = useSelect(store, unreadCount);
  return <Menu me={me} unread={unread} page={page} onSignOut={onSignOut} />;
});

const ListContainer = memo(function ListContainer({ selectedId }: { selectedId: string | null }) {
  const conversations = useSelect(store, (s) => s.conversations);
  const filters = useSelect(store, (s) => s.filters);
  const online = useSelect(store, (s) => s.online);
  const more = useSelect(store, (s) => s.nextCursor !== null);
  const loaded = useSelect(store, (s) => s.listLoaded);
  const me = useSelect(store, (s) => s.me);
  const mentioned = useSelect(team, (s) => s.mentioned);
  return (
    <ConversationList
      rows={visibleConversations(conversations, filters, me?.id ?? null, mentioned)}
      filters={filters}
      filtered={filtersActive(filters)}
      online={online}
      selectedId={selectedId}
      loaded={loaded}
      more={more}
    />
  );
});

const ConversationContainer = memo(function ConversationContainer({ me }: { me: AgentView }) {
  const thread = useSelect(store, (s) => s.thread);
  const online = useSelect(store, (s) => (s.thread ? s.online.has(s.thread.id) : false));
  if (!thread) return <section class="conversation" aria-busy="true" aria-label={t.loading} />;
  return <ConversationView thread={thread} online={online} me={me} />;
});

const ConnectionStatus = memo(function ConnectionStatus() {
  const connected = useSelect(store, (s) => s.connected);
  return connected ? null : (
    <p class="connection" role="status">
      {t.reconnecting}
    </p>
  );
});

const Announcer = memo(function Announcer() {
  const announcement = useSelect(store, (s) => s.announcement);
  return (
    <p class="visually-hidden" aria-live="polite" id="announcer">
      {announcement}
    </p>
  );
});

function visible(el: Element | null): boolean {
  return !!el && el !== document.body && (el as HTMLElement).offsetParent !== null;
}

/**
 * After a route change: when the focus was left behind in a pane that is no longer shown (one pane at a
 * time on a narrow screen), it moves to the new pane's heading, or back to the row the agent came from.
 */
function useFocusFollowsPane(route: Route): void {
  const lastConversation = useRef<string | null>(null);
  const firstRoute = useRef(true);
  const key = route.page === "inbox" ? `${route.pane}:${route.conversationId}` : route.page;
  useEffect(() => {
    // A page just loaded keeps the browser's own starting focus.
    const first = firstRoute.current;
    firstRoute.current = false;
    if (route.page !== "inbox") return;
    if (first) {
      lastConversation.current = route.conversationId;
      return;
    }
    const from = lastConversation.current;
    if (route.conversationId) lastConversation.current = route.conversationId;
    let frames = 0;
    const attempt = () => {
      if (visible(document.activeElement)) return;
      const selector =
        route.pane === "contact"
          ? "#contact-title"
          : route.pane === "conversation"
            ? "#conversation-title"
            : from
              ? `a.row[data-conversation-id="${from}"]`
              : null;
      const target = selector ? document.querySelector<HTMLElement>(selector) : null;
      if (target && visible(target)) target.focus({ preventScroll: route.pane !== "list" });
      else if (++frames < 60) requestAnimationFrame(attempt);
    };
    requestAnimationFrame(attempt);
  }, [key]);
}

function App() {
  counted("app");
  const [me, setMe] = useState<AgentView | null | undefined>(undefined);
  const [route, setRoute] = useState(currentRoute());

  useEffect(() => {
    whenSignedOut(() => {
      actions.stop();
      setMe(null);
    });
    const unsubscribe = [onRouteChange(() => setRoute(currentRoute())), followState()];
    void api.auth.me.$get().then(async (res) => setMe(res.ok ? (await res.json()).agent : null));
    addEventListener("keydown", onShortcut);
    return () => {
      for (const u of unsubscribe) u();
      removeEventListener("keydown", onShortcut);
    };
  }, []);

  useEffect(() => {
    if (me) actions.start(me);
    return () => actions.stop();
  }, [me?.id]);

  const conversationId = route.page === "inbox" ? route.conversationId : null;
  useEffect(() => {
    if (!me || route.page !== "inbox") return;
    if (conversationId) void actions.open(conversationId);
    else actions.close();
  }, [me?.id, route.page === "inbox" ? conversationId : route.page]);

  useFocusFollowsPane(route);

  if (me === undefined) return <main aria-busy="true" />;
  if (me === null) return <SignIn onSignedIn={setMe} />;

  const signOut = async () => {
    // S39: this device stops receiving the agent's pushes (while the session can still say so).
    await disablePush().catch(() => {});
    await api.auth["sign-out"].$post();
    actions.stop();
    setMe(null);
    navigate("/");
  };

  return (
    <div class="app">
      <MenuContainer me={me} page={route.page} onSignOut={signOut} />
      {route.page === "agents" && me.role === "admin" ? (
        <div class="admin-pages">
          <AdminAgents me={me} />
          <AdminLabels />
        </div>
      ) : route.page === "set-aside" ? (
        <SetAside />
      ) : route.page === "saved-responses" ? (
        <ManageResponses me={me} />
      ) : route.page === "profile" ? (
        <Profile me={me} onChanged={setMe} />
      ) : (
        <main class="inbox" data-pane={route.page === "inbox" ? route.pane : "list"}>
          <ListContainer selectedId={conversationId} />
          {conversationId ? <ConversationContainer me={me} /> : <NoConversation />}
        </main>
      )}
      <ConnectionStatus />
      <Announcer />
      <Notice />
    </div>
  );
}

document.documentElement.lang = lang;
render(<App />, document.getElementById("app")!);
