import { useEffect, useRef, useState } from "hono/jsx/dom";
import type { AgentView } from "../../../auth/agent-view";
import { api, ok } from "../api";
import { initials } from "../format";
import { t } from "../i18n";
import { useList } from "./use-list";

/** Deactivation asks first, and says what it does: signed out everywhere, their conversations unassigned. */
function ConfirmDeactivate({
  name,
  onConfirm,
  onCancel,
}: {
  name: string;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => box.current?.querySelector<HTMLButtonElement>("button.cancel")?.focus(), []);
  return (
    <div
      class="ask"
      role="alertdialog"
      aria-labelledby="deactivate-title"
      aria-describedby="deactivate-what"
      ref={box}
      onKeyDown={(e: KeyboardEvent) => e.key === "Escape" && onCancel()}
    >
      <p id="deactivate-title" class="ask-title">
        {t.deactivateAsk(name)}
      </p>
      <p id="deactivate-what">{t.deactivateWhat}</p>
      <div class="ask-actions">
        <button type="button" class="button danger" onClick={onConfirm}>
          {t.deactivateName(name)}
        </button>
        <button type="button" class="button cancel" onClick={onCancel}>
          {t.cancel}
        </button>
      </div>
    </div>
  );
}

/** Admins add agents, change roles, deactivate (after asking) and reactivate (S9). */
export function AdminAgents({ me }: { me: AgentView }) {
  const { items: agents, error, run } = useList(async () => (await ok(await api.agents.$get())).agents);
  const [confirming, setConfirming] = useState<string | null>(null);
  const update = (id: string, json: { role?: "admin" | "agent"; active?: boolean }) =>
    run(async () => ok(await api.agents[":id"].$patch({ param: { id }, json })));

  const add = (e: Event) => {
    e.preventDefault();
    const formEl = e.target as HTMLFormElement;
    const form = new FormData(formEl);
    void run(async () => {
      await ok(
        await api.agents.$post({
          json: {
            email: String(form.get("email")),
            name: String(form.get("name")),
            role: form.get("role") === "admin" ? "admin" : "agent",
            password: String(form.get("password")),
          },
        }),
      );
      formEl.reset();
    });
  };

  return (
    <main class="page admin" aria-labelledby="agents-title">
      <h1 id="agents-title">{t.agents}</h1>
      <p class="error" role="alert">
        {error}
      </p>
      <table class="table stack">
        <thead>
          <tr>
            <th scope="col">{t.name}</th>
            <th scope="col">{t.email}</th>
            <th scope="col">{t.role}</th>
            <th scope="col">{t.status}</th>
          </tr>
        </thead>
        <tbody>
          {agents.map((a) => (
            <tr key={a.id} data-agent-email={a.email}>
              <td data-label={t.name}>
                <span class="person">
                  <span class="avatar avatar-sm tone-me" aria-hidden="true">
                    {initials(a.name)}
                  </span>
                  {a.name}
                </span>
              </td>
              <td data-label={t.email}>{a.email}</td>
              <td data-label={t.role}>
                <select
                  class="select"
                  aria-label={`${t.role}: ${a.name}`}
                  value={a.role}
                  onChange={(e: Event) =>
                    void update(a.id, { role: (e.target as HTMLSelectElement).value as "admin" | "agent" })
                  }
                >
                  <option value="agent" selected={a.role === "agent"}>
                    {t.roleAgent}
                  </option>
                  <option value="admin" selected={a.role === "admin"}>
                    {t.roleAdmin}
                  </option>
                </select>
              </td>
              <td data-label={t.status}>
                <span class={`badge${a.active ? " ok" : ""}`}>{a.active ? t.active : t.deactivated}</span>{" "}
                {a.id === me.id ? null : (
                  <button
                    type="button"
                    class="button small"
                    id={`active-${a.id}`}
                    aria-expanded={a.active ? confirming === a.id : undefined}
                    onClick={() => (a.active ? setConfirming(a.id) : void update(a.id, { active: true }))}
                  >
                    {a.active ? t.deactivate : t.reactivate}
                  </button>
                )}
                {confirming === a.id && a.active ? (
                  <ConfirmDeactivate
                    name={a.name}
                    onConfirm={() => {
                      setConfirming(null);
                      void update(a.id, { active: false });
                    }}
                    onCancel={() => {
                      setConfirming(null);
                      document.getElementById(`active-${a.id}`)?.focus();
                    }}
                  />
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form class="card form-grid" onSubmit={add}>
        <h2>{t.addAgent}</h2>
        <label for="new-name">{t.name}</label>
        <input id="new-name" class="input" name="name" required />
        <label for="new-email">{t.email}</label>
        <input id="new-email" class="input" name="email" type="email" required />
        <label for="new-role">{t.role}</label>
        <select id="new-role" class="select" name="role">
          <option value="agent">{t.roleAgent}</option>
          <option value="admin">{t.roleAdmin}</option>
        </select>
        <label for="new-password">{t.initialPassword}</label>
        <input
          id="new-password"
          class="input"
          name="password"
          type="password"
          minLength={10}
          autocomplete="new-password"
          required
        />
        <button type="submit" class="button primary">
          {t.add}
        </button>
      </form>
    </main>
  );
}
