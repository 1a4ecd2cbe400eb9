import { api, ok } from "../api";
import { t } from "../i18n";
import { teamActions } from "../team";
import { useList } from "./use-list";

interface LabelRow {
  id: string;
  name: string;
  color: string;
  archived: boolean;
}

/** S35: admins add labels (name and colour), rename, recolour, archive and restore them; never delete. */
export function AdminLabels() {
  const { items: labels, error, run } = useList<LabelRow>(async () => (await ok(await api.labels.$get())).labels);
  const update = (id: string, json: { name?: string; color?: string; archived?: boolean }) =>
    run(async () => {
      await ok(await api.labels[":id"].$patch({ param: { id }, json }));
      await teamActions.loadLabels();
    });
  return (
    <section class="card labels-admin" aria-labelledby="labels-title">
      <h2 id="labels-title">{t.labels}</h2>
      <p class="error" role="alert">
        {error}
      </p>
      <ul>
        {labels.map((l) => (
          <li key={l.id} data-label-row={l.name}>
            <input
              type="color"
              class="color"
              aria-label={t.labelColour(l.name)}
              value={l.color}
              onChange={(e: Event) => void update(l.id, { color: (e.target as HTMLInputElement).value })}
            />
            <input
              class="input"
              aria-label={t.labelName(l.name)}
              value={l.name}
              onChange={(e: Event) => void update(l.id, { name: (e.target as HTMLInputElement).value })}
            />
            {l.archived ? <span class="badge">{t.archived}</span> : null}
            <button type="button" class="button small" onClick={() => void update(l.id, { archived: !l.archived })}>
              {l.archived ? t.restore : t.archive}
            </button>
          </li>
        ))}
      </ul>
      <form
        class="inline-form"
        onSubmit={(e: Event) => {
          e.preventDefault();
          const form = e.target as HTMLFormElement;
          const data = new FormData(form);
          void run(async () => {
            await ok(
              await api.labels.$post({ json: { name: String(data.get("name")), color: String(data.get("color")) } }),
            );
            form.reset();
            await teamActions.loadLabels();
          });
        }}
      >
        <label for="new-label">{t.newLabel}</label>
        <input id="new-label" class="input" name="name" required maxLength={40} />
        <input type="color" class="color" name="color" aria-label={t.newLabelColour} value="#2456d3" />
        <button type="submit" class="button">
          {t.addLabel}
        </button>
      </form>
    </section>
  );
}
