import { api, ok } from "../api";
import { t } from "../i18n";
import { teamActions } from "../team";
import { NamedItems } from "./NamedItems";

/** S35: admins add labels (name and colour), rename, recolour, archive and restore them; never delete. */
export function AdminLabels() {
  return (
    <NamedItems
      kind="label"
      class="labels-admin"
      title={t.labels}
      maxLength={40}
      load={async () => (await ok(await api.labels.$get())).labels}
      update={async (id, json) => {
        await ok(await api.labels[":id"].$patch({ param: { id }, json }));
        await teamActions.loadLabels();
      }}
      create={async (name, color) => {
        await ok(await api.labels.$post({ json: { name, color: color ?? "#2456d3" } }));
        await teamActions.loadLabels();
      }}
      texts={{
        name: (l) => t.labelName(l.name),
        colour: (l) => t.labelColour(l.name),
        newName: t.newLabel,
        newColour: t.newLabelColour,
        add: t.addLabel,
      }}
    />
  );
}
