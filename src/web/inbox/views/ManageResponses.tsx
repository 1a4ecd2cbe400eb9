import { useEffect, useState } from "hono/jsx/dom";
import type { AgentView } from "../../../auth/agent-view";
import { api, type ApiFailure, ok } from "../api";
import { t } from "../i18n";
import { AdminCategories } from "./AdminCategories";

interface Category {
  id: string;
  name: string;
  archived: boolean;
}
interface Response {
  id: string;
  title: string;
  body: string;
  categoryId: string;
  archived: boolean;
}
type Draft = Pick<Response, "title" | "body" | "categoryId">;

/** A response's title, category and text, for a new one or an edit; tags are explained beside the text. */
function ResponseForm({
  id,
  initial,
  categories,
  onSave,
  onCancel,
}: {
  id: string;
  initial: Draft | null;
  categories: Category[];
  onSave: (draft: Draft) => Promise<boolean>;
  onCancel?: () => void;
}) {
  const usable = categories.filter((c) => !c.archived || c.id === initial?.categoryId);
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const data = new FormData(form);
    const saved = await onSave({
      title: String(data.get("title") ?? ""),
      categoryId: String(data.get("categoryId") ?? ""),
      body: String(data.get("body") ?? ""),
    });
    if (saved && !initial) form.reset();
  };
  return (
    <form class="response-form" onSubmit={submit}>
      <label for={`${id}-title`}>{t.title}</label>
      <input id={`${id}-title`} class="input" name="title" required maxLength={120} value={initial?.title ?? ""} />
      <label for={`${id}-category`}>{t.category}</label>
      <select id={`${id}-category`} class="select" name="categoryId" required>
        {usable.map((c) => (
          <option value={c.id} selected={c.id === initial?.categoryId}>
            {c.name}
          </option>
        ))}
      </select>
      <label for={`${id}-body`}>{t.text}</label>
      <textarea
        id={`${id}-body`}
        class="input"
        name="body"
        rows={4}
        required
        maxLength={5000}
        aria-describedby="tags-hint"
        value={initial?.body ?? ""}
      />
      <div class="form-actions">
        <button type="submit" class="button primary">
          {t.save}
        </button>
        {onCancel ? (
          <button type="button" class="button" onClick={onCancel}>
            {t.cancel}
          </button>
        ) : null}
      </div>
    </form>
  );
}

/**
 * S10: the team's saved responses. Every agent adds, edits, archives and restores them (nothing is
 * deleted); admins also manage the categories here (S9).
 */
export function ManageResponses({ me }: { me: AgentView }) {
  const [categories, setCategories] = useState<Category[]>([]);
  const [responses, setResponses] = useState<Response[] | null>(null);
  const [archived, setArchived] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);
  const [error, setError] = useState("");

  const loadCategories = async () =>
    setCategories((await ok(await api["saved-responses"].categories.$get({ query: { archived: "true" } }))).categories);
  const loadResponses = async () =>
    setResponses(
      (await ok(await api["saved-responses"].$get({ query: { archived: archived ? "true" : "false" } }))).responses,
    );
  useEffect(() => void loadCategories().catch(() => {}), []);
  useEffect(() => void loadResponses().catch(() => {}), [archived]);

  /** Runs a change, then shows the list as it is now; the API's reason when refused. */
  const run = async (change: () => Promise<unknown>): Promise<boolean> => {
    setError("");
    try {
      await change();
      await loadResponses();
      return true;
    } catch (err) {
      setError((err as ApiFailure).message);
      return false;
    }
  };
  const update = (id: string, json: Partial<Draft> & { archived?: boolean }) =>
    run(async () => ok(await api["saved-responses"][":id"].$patch({ param: { id }, json })));
  const categoryName = (id: string) => categories.find((c) => c.id === id)?.name ?? "—";
  const active = categories.filter((c) => !c.archived);

  return (
    <main class="page responses" aria-labelledby="responses-title">
      <h1 id="responses-title">{t.savedResponses}</h1>
      <p class="intro">{t.savedResponsesIntro}</p>
      <p id="tags-hint" class="hint">
        {t.tagsHint}
      </p>
      <p class="error" role="alert">
        {error}
      </p>
      <section class="card new-response" aria-labelledby="new-response-heading">
        <h2 id="new-response-heading">{t.newResponse}</h2>
        {active.length === 0 ? (
          <p>{t.noCategories}</p>
        ) : (
          <ResponseForm
            id="new-response"
            initial={null}
            categories={active}
            onSave={(draft) => run(async () => ok(await api["saved-responses"].$post({ json: draft })))}
          />
        )}
      </section>
      <label class="chip">
        <input
          type="checkbox"
          checked={archived}
          onChange={(e: Event) => setArchived((e.target as HTMLInputElement).checked)}
        />
        {t.showArchived}
      </label>
      {responses === null ? <p>{t.loading}</p> : null}
      {responses?.length === 0 ? <p class="empty">{t.noResponses}</p> : null}
      <ul class="response-list">
        {(responses ?? []).map((r) => (
          <li key={r.id} class="card" data-response={r.title}>
            {editing === r.id ? (
              <ResponseForm
                id={`edit-${r.id}`}
                initial={r}
                categories={categories}
                onSave={async (draft) => {
                  const saved = await update(r.id, draft);
                  if (saved) setEditing(null);
                  return saved;
                }}
                onCancel={() => setEditing(null)}
              />
            ) : (
              <>
                <h2 class="response-title">{r.title}</h2>
                <p class="response-meta">
                  <span class="badge">{categoryName(r.categoryId)}</span>
                  {r.archived ? <span class="badge">{t.archived}</span> : null}
                </p>
                <p class="response-body">{r.body}</p>
                <div class="form-actions">
                  <button
                    type="button"
                    class="button small"
                    aria-label={`${t.edit}: ${r.title}`}
                    onClick={() => setEditing(r.id)}
                  >
                    {t.edit}
                  </button>
                  <button
                    type="button"
                    class="button small"
                    aria-label={`${r.archived ? t.restore : t.archive}: ${r.title}`}
                    onClick={() => void update(r.id, { archived: !r.archived })}
                  >
                    {r.archived ? t.restore : t.archive}
                  </button>
                </div>
              </>
            )}
          </li>
        ))}
      </ul>
      {me.role === "admin" ? <AdminCategories onChanged={() => void loadCategories()} /> : null}
    </main>
  );
}
