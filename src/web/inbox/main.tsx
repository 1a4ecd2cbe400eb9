import "./inbox.css";
import { render, useEffect, useState } from "hono/jsx/dom";
import type { AgentView } from "../../auth/agent-view";
import { api, whenSignedOut } from "./api";
import { t } from "./i18n";
import { currentRoute, navigate, onRouteChange } from "./router";
import { store } from "./store";
import { AdminAgents } from "./views/AdminAgents";
import { ConversationList, moveFocus } from "./views/ConversationList";
import { ConversationView } from "./views/ConversationView";
import { Menu } from "./views/Menu";
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
  else if (e.key === "e" && store.thread?.summary?.status === "open") void store.setStatus("complete");
}

function App() {
  const [me, setMe] = useState<AgentView | null | undefined>(undefined);
  const [, rerender] = useState(0);
  const [route, setRoute] = useState(currentRoute());

  useEffect(() => {
    whenSignedOut(() => {
      store.stop();
      setMe(null);
    });
    const unsubscribe = [store.subscribe(() => rerender((n) => n + 1)), onRouteChange(() => setRoute(currentRoute()))];
    void api.auth.me.$get().then(async (res) => setMe(res.ok ? (await res.json()).agent : null));
    addEventListener("keydown", onShortcut);
    return () => {
      for (const u of unsubscribe) u();
      removeEventListener("keydown", onShortcut);
    };
  }, []);

  useEffect(() => {
    if (me) store.start(me);
    return () => store.stop();
  }, [me?.id]);

  useEffect(() => {
    if (!me || route.page !== "inbox") return;
    if (route.conversationId) void store.open(route.conversationId);
    else store.close();
  }, [me?.id, route.page === "inbox" ? route.conversationId : route.page]);

  if (me === undefined) return <main aria-busy="true" />;
  if (me === null) return <SignIn onSignedIn={setMe} />;

  const signOut = async () => {
    await api.auth["sign-out"].$post();
    store.stop();
    setMe(null);
    navigate("/");
  };

  return (
    <div class="app">
      <Menu me={me} unread={store.unreadCount} page={route.page} onSignOut={signOut} />
      {route.page === "agents" && me.role === "admin" ? (
        <AdminAgents me={me} />
      ) : route.page === "set-aside" ? (
        <SetAside />
      ) : (
        <main class="inbox">
          <ConversationList selectedId={route.page === "inbox" ? route.conversationId : null} />
          {store.thread ? <ConversationView thread={store.thread} /> : <p class="placeholder">{t.pickConversation}</p>}
        </main>
      )}
      {store.connected ? null : <p class="connection" role="status">{t.reconnecting}</p>}
      <p class="visually-hidden" aria-live="polite" id="announcer">
        {store.announcement}
      </p>
    </div>
  );
}

document.documentElement.lang = navigator.language.toLowerCase().startsWith("es") ? "es" : "en";
render(<App />, document.getElementById("app")!);
