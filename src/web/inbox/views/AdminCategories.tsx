import { api, ok } from "../api";
import { t } from "../i18n";
import { useList } from "./use-list";

interface Category {
  id: string;
  name: string;
  archived: boolean;
}

/** Admins add, rename, archive and restore saved-response categories (S10, S9); `onChanged` after each change. */
export function AdminCategories({ onChanged }: { onChanged?: () => void } = {}) {
  // archived=true lists every category, archived ones included.
  const {
    items: categories,
    error,
    run,
  } = useList<Category>(
    async () => (await ok(await api["saved-responses"].categories.$get({ query: { archived: "true" } }))).categories,
  );
  const update = (id: string, json: { name?: string; archived?: boolean }) =>
    run(async () => {
      await ok(await api["saved-responses"].categories[":id"].$patch({ param: { id }, json }));
      onChanged?.();
    });

  return (
    <section class="card categories" aria-labelledby="categories-title">
      <h2 id="categories-title">{t.categories}</h2>
      <p class="error" role="alert">
        {error}
      </p>
      <ul>
        {categories.map((c) => (
          <li key={c.id} data-category={c.name}>
            <input
              class="input"
              aria-label={`${t.category}: ${c.name}`}
              value={c.name}
              onChange={(e: Event) => void update(c.id, { name: (e.target as HTMLInputElement).value })}
            />
            {c.archived ? <span class="badge">{t.archived}</span> : null}
            <button type="button" class="button small" onClick={() => void update(c.id, { archived: !c.archived })}>
              {c.archived ? t.restore : t.archive}
            </button>
          </li>
        ))}
      </ul>
      <form
        class="inline-form"
        onSubmit={(e: Event) => {
          e.preventDefault();
          const form = e.target as HTMLFormElement;
          const name = String(new FormData(form).get("name"));
          void run(async () => {
            await ok(await api["saved-responses"].categories.$post({ json: { name } }));
            form.reset();
            onChanged?.();
          });
        }}
      >
        <label for="new-category">{t.category}</label>
        <input id="new-category" class="input" name="name" required maxLength={60} />
        <button type="submit" class="button">
          {t.addCategory}
        </button>
      </form>
    </section>
  );
}
