import { useState } from "hono/jsx/dom";
import type { AgentView } from "../../../auth/agent-view";
import { api, type ApiFailure, ok } from "../api";
import { Icon } from "../icons";
import { t } from "../i18n";

export function SignIn({ onSignedIn }: { onSignedIn: (agent: AgentView) => void }) {
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.target as HTMLFormElement);
    setBusy(true);
    try {
      const res = await api.auth["sign-in"].$post({
        json: { email: String(form.get("email")), password: String(form.get("password")) },
      });
      onSignedIn((await ok(res)).agent);
    } catch (err) {
      setError((err as ApiFailure).message ?? t.signInFailed);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="sign-in">
      <form class="card" onSubmit={submit}>
        <span class="brand">
          <Icon name="brand" />
        </span>
        <h1>{t.signInTitle}</h1>
        <div class="field">
          <label for="email">{t.email}</label>
          <input id="email" class="input" name="email" type="email" autocomplete="username" required autofocus />
        </div>
        <div class="field">
          <label for="password">{t.password}</label>
          <input id="password" class="input" name="password" type="password" autocomplete="current-password" required />
        </div>
        <button type="submit" class="button primary wide" disabled={busy}>
          {t.signIn}
        </button>
        <p class="error" role="alert">
          {error}
        </p>
      </form>
    </main>
  );
}
