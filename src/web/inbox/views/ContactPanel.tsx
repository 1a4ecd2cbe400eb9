import { memo, useEffect, useRef, useState } from "hono/jsx/dom";
import { type ConversationSummary, typedAddress } from "../../../protocol";
import { api, type ApiFailure, ok } from "../api";
import { avatarTone, channelLabel, displayName, initials } from "../format";
import { Icon } from "../icons";
import { t } from "../i18n";
import { goUp, paths } from "../router";
import { Clock } from "./Time";

/**
 * S44: agents give a contact a name; it shows at once in every conversation of the contact (the server
 * tells every open app). Not for an address a visitor typed (S16: shown as typed, never under a stored
 * name) nor for Messenger people, who are not contacts (S25).
 */
function ContactName({ contactId, name }: { contactId: string; name: string | null }) {
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState("");
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (editing) input.current?.select();
  }, [editing]);
  if (!editing)
    return (
      <button type="button" class="button small" id="edit-contact-name" onClick={() => setEditing(true)}>
        {t.editName}
      </button>
    );
  const save = async (e: Event) => {
    e.preventDefault();
    const value = input.current?.value.trim() ?? "";
    try {
      await ok(await api.contacts[":id"].$patch({ param: { id: contactId }, json: { name: value || null } }));
      setEditing(false);
      setError("");
      document.getElementById("edit-contact-name")?.focus();
    } catch (err) {
      setError((err as ApiFailure).message);
    }
  };
  return (
    <form class="contact-name-form" onSubmit={save}>
      <label for="contact-name-input">{t.contactName}</label>
      <input
        id="contact-name-input"
        class="input"
        ref={input}
        value={name ?? ""}
        maxLength={200}
        aria-describedby="contact-name-hint"
        onKeyDown={(e: KeyboardEvent) => {
          if (e.key === "Escape") {
            e.preventDefault();
            setEditing(false);
          }
        }}
      />
      <p id="contact-name-hint" class="hint">
        {t.contactNameHint}
      </p>
      <p class="error" role="alert">
        {error}
      </p>
      <div class="form-actions">
        <button type="submit" class="button primary small">
          {t.save}
        </button>
        <button type="button" class="button small" onClick={() => setEditing(false)}>
          {t.cancel}
        </button>
      </div>
    </form>
  );
}

export const ContactPanel = memo(function ContactPanel({
  summary: c,
  online,
}: {
  summary: ConversationSummary;
  online: boolean;
}) {
  const name = c.contact?.name || displayName(c);
  const nameable = c.contact !== null && !typedAddress(c);
  return (
    <aside class="contact" aria-labelledby="contact-title">
      <div class="pane-head">
        <button
          type="button"
          class="icon-button back"
          aria-label={t.backToConversation}
          title={t.backToConversation}
          onClick={() => goUp(paths.conversation(c.id))}
        >
          <Icon name="back" />
        </button>
        <h2 id="contact-title" tabindex={-1}>
          {t.contact}
        </h2>
      </div>
      <div class="contact-body" tabindex={0}>
        <div class="contact-card">
          <span class={`avatar avatar-lg tone-${avatarTone(c.id)}`} aria-hidden="true">
            {initials(name)}
          </span>
          <p class="contact-name">{name}</p>
          {nameable ? <ContactName key={c.contact!.id} contactId={c.contact!.id} name={c.contact!.name} /> : null}
          <p class={`presence-line ${online ? "on" : "off"}`}>{online ? t.online : t.offline}</p>
        </div>
        <dl class="facts">
          <dt>{t.email}</dt>
          <dd>
            {c.contact?.email ?? "—"}
            {typedAddress(c) ? (
              <span class="badge warn" data-testid="unverified" title={t.unverifiedHint}>
                {t.unverified}
              </span>
            ) : null}
          </dd>
          <dt>{t.identities}</dt>
          <dd>
            {channelLabel(c.channel)}
            {c.channel === "chat" ? ` · ${t.visitorId} ${c.id.slice(2, 10)}` : ""}
          </dd>
        </dl>
        <h3>{t.details}</h3>
        <dl class="facts">
          <dt>{t.status}</dt>
          <dd>{c.status === "open" ? t.statusOpenOne : t.completed}</dd>
          <dt>{t.started}</dt>
          <dd>
            <Clock at={c.createdAt} withDate />
          </dd>
          <dt>{t.lastActivity}</dt>
          <dd>
            <Clock at={c.lastMessageAt} withDate />
          </dd>
        </dl>
      </div>
    </aside>
  );
});
