import { useEffect, useRef, useState } from "hono/jsx/dom";
import { api, ok } from "../api";
import { Icon } from "../icons";
import { t } from "../i18n";

interface Category {
  id: string;
  name: string;
}
interface Response {
  id: string;
  title: string;
  body: string;
  categoryId: string;
}

/**
 * S11, S30: the picker by keyboard. Arrows move through the responses (from the search field too), Home
 * and End go to the first and last; Enter in the search field picks the first match (never the reply's
 * form: the picker sits inside it), Enter on a response picks it.
 */
function keyboard(e: KeyboardEvent, responses: Response[], pick: (r: Response) => void): void {
  const target = e.target as HTMLElement;
  const panel = e.currentTarget as HTMLElement;
  const items = [...panel.querySelectorAll<HTMLButtonElement>(".pick")];
  const at = items.indexOf(target as HTMLButtonElement);
  const inSearch = target.matches("input[type=search]");
  if (e.key === "Enter" && inSearch) {
    e.preventDefault();
    if (responses[0]) pick(responses[0]);
    return;
  }
  if (target.matches("select") || items.length === 0 || (!inSearch && at === -1)) return;
  const next =
    e.key === "ArrowDown"
      ? Math.min(items.length - 1, at + 1)
      : e.key === "ArrowUp"
        ? at <= 0
          ? -1
          : at - 1
        : e.key === "Home" && at !== -1
          ? 0
          : e.key === "End" && at !== -1
            ? items.length - 1
            : null;
  if (next === null) return;
  e.preventDefault();
  if (next === -1) panel.querySelector<HTMLInputElement>("input[type=search]")?.focus();
  else items[next]!.focus();
}

/**
 * S11: the saved-responses picker beside the channel label: a category dropdown, then its responses,
 * most used first; or a search over all of them. Choosing one hands its text to `onPick`.
 */
export function SavedResponsesPicker({
  open,
  onOpen,
  onClose,
  onPick,
}: {
  open: boolean;
  onOpen: () => void;
  onClose: () => void;
  onPick: (body: string) => void;
}) {
  const [categories, setCategories] = useState<Category[]>([]);
  const [category, setCategory] = useState("");
  const [query, setQuery] = useState("");
  const [responses, setResponses] = useState<Response[]>([]);
  const search = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (!open) return;
    // Each opening searches afresh (the category chosen stays).
    setQuery("");
    void api["saved-responses"].categories
      .$get({ query: {} })
      .then(async (res) => setCategories((await ok(res)).categories));
    setTimeout(() => search.current?.focus(), 0);
  }, [open]);

  // Each keystroke asks again; answers can come back out of order, so only the latest question's is shown.
  const asked = useRef(0);
  useEffect(() => {
    if (!open) return;
    const q = { ...(category ? { category } : {}), ...(query.trim() ? { q: query.trim() } : {}) };
    const n = ++asked.current;
    void api["saved-responses"].$get({ query: q }).then(async (res) => {
      const { responses } = await ok(res);
      if (n === asked.current) setResponses(responses);
    });
  }, [open, category, query]);

  const pick = (r: Response) => {
    void api["saved-responses"][":id"].use.$post({ param: { id: r.id } });
    onPick(r.body);
  };

  return (
    <span class="saved-responses">
      <button
        type="button"
        class="button ghost picker-button"
        aria-expanded={open}
        aria-controls={open ? "saved-responses-panel" : undefined}
        title={t.savedResponses}
        onClick={() => (open ? onClose() : onOpen())}
      >
        <Icon name="saved" />
        <span class="button-label">{t.savedResponses}</span>
      </button>
      {open ? (
        <div
          id="saved-responses-panel"
          class="picker"
          role="dialog"
          aria-labelledby="saved-responses-title"
          onKeyDown={(e: KeyboardEvent) => {
            if (e.key === "Escape") {
              e.preventDefault();
              onClose();
            } else keyboard(e, responses, pick);
          }}
        >
          <div class="picker-head">
            <h2 id="saved-responses-title">{t.savedResponses}</h2>
            <button type="button" class="icon-button" aria-label={t.close} title={t.close} onClick={onClose}>
              <Icon name="close" />
            </button>
          </div>
          <div class="picker-filters">
            <select
              class="select"
              aria-label={t.category}
              value={category}
              onChange={(e: Event) => setCategory((e.target as HTMLSelectElement).value)}
            >
              <option value="">{t.allCategories}</option>
              {categories.map((c) => (
                <option value={c.id} selected={c.id === category}>
                  {c.name}
                </option>
              ))}
            </select>
            <input
              ref={search}
              class="input"
              type="search"
              aria-label={t.searchResponses}
              placeholder={t.searchShort}
              value={query}
              onInput={(e: Event) => setQuery((e.target as HTMLInputElement).value)}
            />
          </div>
          <ul class="picker-list">
            {responses.length === 0 ? <li class="empty">{t.noResponses}</li> : null}
            {responses.map((r) => (
              <li key={r.id}>
                <button type="button" class="pick" onClick={() => pick(r)}>
                  <strong>{r.title}</strong>
                  <span>{r.body}</span>
                </button>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </span>
  );
}
