import { type ConversationSummary, typedAddress } from "../../../protocol";
import { channelIconPath, channelLabel, displayName, relativeTime } from "../format";
import { t } from "../i18n";
import { navigate } from "../router";
import { store } from "../store";

function Row({ c, selected }: { c: ConversationSummary; selected: boolean }) {
  const online = store.online.has(c.id);
  const typing = store.typingIn.has(c.id);
  const open = () => navigate(`/conversations/${c.id}`);
  return (
    <li>
      <a
        href={`/conversations/${c.id}`}
        class={`row${selected ? " selected" : ""}${c.read ? "" : " unread"}`}
        data-conversation-id={c.id}
        data-read={String(c.read)}
        data-online={String(online)}
        data-status={c.status}
        aria-current={selected ? "true" : undefined}
        onClick={(e: MouseEvent) => {
          e.preventDefault();
          open();
        }}
      >
        <span class="marks">
          {c.read ? null : <span class="unread-dot" title={t.unread} role="img" aria-label={t.unread} />}
          {online ? <span class="online-dot" title={t.online} role="img" aria-label={t.online} /> : null}
        </span>
        <span class="channel-icon" title={channelLabel(c.channel)} role="img" aria-label={channelLabel(c.channel)}>
          <svg viewBox="0 0 20 20" aria-hidden="true">
            <path d={channelIconPath[c.channel]} />
          </svg>
        </span>
        <span class="who">
          {displayName(c)}
          {typedAddress(c) ? <span class="badge warn"> ({t.unverified})</span> : null}
        </span>
        {c.status === "complete" ? <span class="check" role="img" aria-label={t.completed} title={t.completed}>✓</span> : null}
        <time class="when" dateTime={new Date(c.lastMessageAt).toISOString()}>
          {relativeTime(c.lastMessageAt)}
        </time>
        <span class="preview">{typing ? t.typing(t.visitor) : c.preview ?? ""}</span>
      </a>
    </li>
  );
}

export function ConversationList({ selectedId }: { selectedId: string | null }) {
  const f = store.filters;
  const rows = store.visible();
  return (
    <section class="list" aria-label={t.conversations}>
      <form class="filters" aria-label={t.filters} onSubmit={(e: Event) => e.preventDefault()}>
        <input
          id="list-search"
          type="search"
          placeholder={t.search}
          aria-label={t.search}
          value={f.search}
          onInput={(e: Event) => void store.setFilters({ search: (e.target as HTMLInputElement).value })}
        />
        <div class="filter-row">
          <select aria-label={t.status} value={f.status} onChange={(e: Event) => void store.setFilters({ status: (e.target as HTMLSelectElement).value as typeof f.status })}>
            <option value="open">{t.statusOpen}</option>
            <option value="complete">{t.statusComplete}</option>
            <option value="all">{t.statusAll}</option>
          </select>
          <select aria-label={t.channel} value={f.channel} onChange={(e: Event) => void store.setFilters({ channel: (e.target as HTMLSelectElement).value as typeof f.channel })}>
            <option value="">{t.allChannels}</option>
            <option value="chat">{t.chat}</option>
            <option value="email">{t.emailChannel}</option>
            <option value="messenger">{t.messenger}</option>
          </select>
          <label class="check-label">
            <input type="checkbox" checked={f.unread} onChange={(e: Event) => void store.setFilters({ unread: (e.target as HTMLInputElement).checked })} />
            {t.unreadOnly}
          </label>
        </div>
      </form>
      {rows.length === 0 ? <p class="empty">{t.noConversations}</p> : null}
      <ul class="rows" id="conversation-rows">
        {rows.map((c) => (
          <Row key={c.id} c={c} selected={c.id === selectedId} />
        ))}
      </ul>
      {store.nextCursor ? (
        <button type="button" class="more" onClick={() => void store.loadList(true)}>
          {t.loadMore}
        </button>
      ) : null}
    </section>
  );
}

/** j / k move the focus through the list (S4: moving never marks anything Read). */
export function moveFocus(step: 1 | -1): void {
  const rows = [...document.querySelectorAll<HTMLAnchorElement>("#conversation-rows a.row")];
  if (rows.length === 0) return;
  const at = rows.indexOf(document.activeElement as HTMLAnchorElement);
  const next = at === -1 ? (step === 1 ? 0 : rows.length - 1) : Math.min(rows.length - 1, Math.max(0, at + step));
  rows[next]!.focus();
}
