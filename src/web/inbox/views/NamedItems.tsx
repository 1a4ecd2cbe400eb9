import { t } from "../i18n";
import { useList } from "./use-list";

/** Something an admin names, may colour, archives and restores, and never deletes (labels, categories). */
export interface NamedItem {
  id: string;
  name: string;
  archived: boolean;
  color?: string;
}

export interface ItemChanges {
  name?: string;
  color?: string;
  archived?: boolean;
}

/**
 * The admin's list of named things: rename in place, recolour (when `colours`), archive and restore,
 * and a form that adds one. `kind` names the heading and the new item's field ("label": #label-list-title,
 * #new-label); each row carries its name in `data-name`.
 */
export function NamedItems<T extends NamedItem>(props: {
  kind: string;
  title: string;
  class?: string;
  maxLength: number;
  load: () => Promise<T[]>;
  update: (id: string, changes: ItemChanges) => Promise<void>;
  create: (name: string, color: string | undefined) => Promise<void>;
  texts: { name: (item: T) => string; colour?: (item: T) => string; newName: string; newColour?: string; add: string };
}) {
  const { items, error, run } = useList<T>(props.load);
  const { kind, texts } = props;
  const update = (id: string, changes: ItemChanges) => run(() => props.update(id, changes));
  const typed = (e: Event) => (e.target as HTMLInputElement).value;
  return (
    <section class={`card named-items ${props.class ?? ""}`} aria-labelledby={`${kind}-list-title`}>
      <h2 id={`${kind}-list-title`}>{props.title}</h2>
      <p class="error" role="alert">
        {error}
      </p>
      <ul>
        {items.map((item) => (
          <li key={item.id} data-name={item.name}>
            {texts.colour ? (
              <input
                type="color"
                class="color"
                aria-label={texts.colour(item)}
                value={item.color}
                onChange={(e: Event) => void update(item.id, { color: typed(e) })}
              />
            ) : null}
            <input
              class="input"
              aria-label={texts.name(item)}
              value={item.name}
              onChange={(e: Event) => void update(item.id, { name: typed(e) })}
            />
            {item.archived ? <span class="badge">{t.archived}</span> : null}
            <button
              type="button"
              class="button small"
              onClick={() => void update(item.id, { archived: !item.archived })}
            >
              {item.archived ? t.restore : t.archive}
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
          const color = data.get("color");
          void run(async () => {
            await props.create(String(data.get("name")), color === null ? undefined : String(color));
            form.reset();
          });
        }}
      >
        <label for={`new-${kind}`}>{texts.newName}</label>
        <input id={`new-${kind}`} class="input" name="name" required maxLength={props.maxLength} />
        {texts.newColour ? (
          <input type="color" class="color" name="color" aria-label={texts.newColour} value="#2456d3" />
        ) : null}
        <button type="submit" class="button">
          {texts.add}
        </button>
      </form>
    </section>
  );
}
