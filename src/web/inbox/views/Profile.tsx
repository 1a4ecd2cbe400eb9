import { useState } from "hono/jsx/dom";
import type { AgentView } from "../../../auth/agent-view";
import { api, type ApiFailure, ok } from "../api";
import { t } from "../i18n";
import { store } from "../inbox-state";
import { NotificationSettings } from "./NotificationSettings";

/** What a form says after a try: done (a status) or why not (an alert). */
interface Outcome {
  done: string;
  error: string;
}
const none: Outcome = { done: "", error: "" };

function Said({ outcome }: { outcome: Outcome }) {
  return (
    <>
      <p class="done" role="status">
        {outcome.done}
      </p>
      <p class="error" role="alert">
        {outcome.error}
      </p>
    </>
  );
}

/**
 * What an agent manages of their own: the name the team, the thread and `{{agent.name}}` show, and the
 * password. A new password signs the agent out everywhere else; this browser gets a fresh session and
 * its sockets reconnect with it (close code 4004, live.ts).
 */
export function Profile({ me, onChanged }: { me: AgentView; onChanged: (me: AgentView) => void }) {
  const [named, setNamed] = useState<Outcome>(none);
  const [passworded, setPassworded] = useState<Outcome>(none);

  const rename = async (e: Event) => {
    e.preventDefault();
    const name = String(new FormData(e.target as HTMLFormElement).get("name") ?? "");
    try {
      const { agent } = await ok(await api.auth.me.$patch({ json: { name } }));
      store.set((s) => ({ ...s, me: agent }));
      onChanged(agent);
      setNamed({ done: t.nameSaved, error: "" });
    } catch (err) {
      setNamed({ done: "", error: (err as ApiFailure).message });
    }
  };

  const changePassword = async (e: Event) => {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const data = new FormData(form);
    const newPassword = String(data.get("new") ?? "");
    if (newPassword !== String(data.get("repeat") ?? "")) return setPassworded({ done: "", error: t.passwordsDiffer });
    try {
      await ok(
        await api.auth.password.$post({ json: { currentPassword: String(data.get("current") ?? ""), newPassword } }),
      );
      form.reset();
      setPassworded({ done: t.passwordChanged, error: "" });
    } catch (err) {
      setPassworded({ done: "", error: (err as ApiFailure).message });
    }
  };

  return (
    <main class="page profile" aria-labelledby="profile-title">
      <h1 id="profile-title">{t.profile}</h1>
      <p class="intro">
        {me.email} · {me.role === "admin" ? t.roleAdmin : t.roleAgent}
      </p>
      <form class="card form-grid" onSubmit={rename} aria-labelledby="name-title">
        <h2 id="name-title">{t.yourName}</h2>
        <label for="profile-name">{t.name}</label>
        <input
          id="profile-name"
          class="input"
          name="name"
          value={me.name}
          required
          maxLength={100}
          autocomplete="name"
        />
        <Said outcome={named} />
        <button type="submit" class="button primary">
          {t.saveName}
        </button>
      </form>
      <form class="card form-grid" onSubmit={changePassword} aria-labelledby="password-title">
        <h2 id="password-title">{t.changePassword}</h2>
        <label for="current-password">{t.currentPassword}</label>
        <input
          id="current-password"
          class="input"
          name="current"
          type="password"
          required
          autocomplete="current-password"
        />
        <label for="profile-new-password">{t.newPassword}</label>
        <input
          id="profile-new-password"
          class="input"
          name="new"
          type="password"
          required
          minLength={10}
          maxLength={200}
          autocomplete="new-password"
          aria-describedby="password-hint"
        />
        <label for="repeat-password">{t.repeatPassword}</label>
        <input
          id="repeat-password"
          class="input"
          name="repeat"
          type="password"
          required
          minLength={10}
          maxLength={200}
          autocomplete="new-password"
        />
        <p id="password-hint" class="hint">
          {t.passwordHint}
        </p>
        <Said outcome={passworded} />
        <button type="submit" class="button primary">
          {t.changePassword}
        </button>
      </form>
      <NotificationSettings />
    </main>
  );
}
