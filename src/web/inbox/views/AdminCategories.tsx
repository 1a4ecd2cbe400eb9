import { api, ok } from "../api";
import { t } from "../i18n";
import { NamedItems } from "./NamedItems";

/** Admins add, rename, archive and restore saved-response categories (S10, S9); `onChanged` after each change. */
export function AdminCategories({ onChanged }: { onChanged?: () => void } = {}) {
  const categories = api["saved-responses"].categories;
  return (
    <NamedItems
      kind="category"
      class="categories"
      title={t.categories}
      maxLength={60}
      // archived=true lists every category, archived ones included.
      load={async () => (await ok(await categories.$get({ query: { archived: "true" } }))).categories}
      update={async (id, json) => {
        await ok(await categories[":id"].$patch({ param: { id }, json: { name: json.name, archived: json.archived } }));
        onChanged?.();
      }}
      create={async (name) => {
        await ok(await categories.$post({ json: { name } }));
        onChanged?.();
      }}
      texts={{ name: (c) => `${t.category}: ${c.name}`, newName: t.category, add: t.addCategory }}
    />
  );
}
