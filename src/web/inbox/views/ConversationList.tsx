import { memo } from "hono/jsx/dom";
import { type ConversationSummary, typedAddress } from "../../../protocol";
import { avatarTone, channelLabel, displayName, initials } from "../format";
import { Icon } from "../icons";
import { t } from "../i18n";
import { navigate, paths } from "../router";
import { counted, useSelect } from "../state";
import { actions } from "../store";
import { type Filters, store } from "../inbox-state";
import { AssigneeAvatar, ReplyingMarker, Views } from "./Ownership";
import { SearchResults } from "./SearchResults";
import { RelativeTime } from "./Time";
import { LabelChips } from "./Triage";

/** The row's preview, or "… is typing…" while its visitor types: the one part of a row typing changes. */
function Preview({ id, text }: { id: string; text: string }) {
  const typing = useSelect(store, (s) => s.typing.visitors.has(id));
  return <span class="preview">{typing ? t.typing(t.visitor) : text}</span>;
}

/** A marker with its legend: a tooltip on hover and the same words for screen readers. */
function Marker({ class: className, label, children }: { class: string; label: string; children?: unknown }) {
  return (
    <span class={className} role="img" aria-label={label} title={label}>
      {children}
    </span>
  );
}

const Row = memo(function Row({ c, selected, online }: { c: ConversationSummary; selected: boolean; online: boolean }) {
  counted("row");
  const name = displayName(c);
  return (
    <li>
      <a
        href={paths.conversation(c.id)}
        class={`row${selected ? " selected" : ""}${c.read ? "" : " unread"}`}
        data-conversation-id={c.id}
        data-read={String(c.read)}
        data-online={String(online)}
        data-status={c.status}
        aria-current={selected ? "true" : undefined}
        onClick={(e: MouseEvent) => {
          e.preventDefault();
          navigate(paths.conversation(c.id));
        }}
      >
        <span class="avatar-wrap">
          <span class={`avatar tone-${avatarTone(c.id)}`} aria-hidden="true">
            {initials(name)}
          </span>
          {online ? <Marker class="online-dot" label={t.visitorOnline} /> : null}
        </span>
        <span class="row-top">
          <span class="who">{name}</span>
          {typedAddress(c) ? (
            <span class="badge warn" title={t.unverifiedHint}>
              {t.unverified}
            </span>
          ) : null}
          <AssigneeAvatar assignee={c.assignee} />
          <RelativeTime class="when" at={c.lastMessageAt} />
        </span>
        <span class="row-bottom">
          <Marker class="channel-icon" label={channelLabel(c.channel)}>
            <Icon name={c.channel === "chat" ? "chat" : c.channel} />
          </Marker>
          <Preview id={c.id} text={c.preview ?? ""} />
          <ReplyingMarker conversationId={c.id} />
          <LabelChips ids={c.labels} />
          {c.status === "complete" ? (
            <Marker class="check" label={t.completed}>
              <Icon name="check" />
            </Marker>
          ) : null}
          {c.read ? null : <Marker class="unread-dot" label={t.unread} />}
        </span>
      </a>
    </li>
  );
});

function FilterBar({ filters: f }: { filters: Filters }) {
  return (
    <form class="filters" aria-label={t.filters} onSubmit={(e: Event) => e.preventDefault()}>
      <div class="search-field">
        <Icon name="search" />
        <input
          id="list-search"
          class="input"
          type="search"
          placeholder={t.searchShort}
          aria-label={t.search}
          value={f.search}
          onInput={(e: Event) => void actions.setFilters({ search: (e.target as HTMLInputElement).value })}
        />
      </div>
      <label class="chip">
        <input
          type="checkbox"
          checked={f.unread}
          onChange={(e: Event) => void actions.setFilters({ unread: (e.target as HTMLInputElement).checked })}
        />
        {t.unreadOnly}
      </label>
      <div class="filter-row">
        <select
          class="select"
          aria-label={t.status}
          value={f.status}
          onChange={(e: Event) =>
            void actions.setFilters({ status: (e.target as HTMLSelectElement).value as Filters["status"] })
          }
        >
          <option value="open" selected={f.status === "open"}>
            {t.statusOpen}
          </option>
          <option value="complete" selected={f.status === "complete"}>
            {t.statusComplete}
          </option>
          <option value="all" selected={f.status === "all"}>
            {t.statusAll}
          </option>
        </select>
        <select
          class="select"
          aria-label={t.channel}
          value={f.channel}
          onChange={(e: Event) =>
            void actions.setFilters({ channel: (e.target as HTMLSelectElement).value as Filters["channel"] })
          }
        >
          <option value="" selected={f.channel === ""}>
            {t.allChannels}
          </option>
          <option value="chat" selected={f.channel === "chat"}>
            {t.chat}
          </option>
          <option value="email" selected={f.channel === "email"}>
            {t.emailChannel}
          </option>
          <option value="messenger" selected={f.channel === "messenger"}>
            {t.messenger}
          </option>
        </select>
      </div>
    </form>
  );
}

export interface ListProps {
  rows: readonly ConversationSummary[];
  filters: Filters;
  filtered: boolean;
  online: ReadonlySet<string>;
  selectedId: string | null;
  loaded: boolean;
  more: boolean;
}

export function ConversationList({ rows, filters, filtered, online, selectedId, loaded, more }: ListProps) {
  counted("list");
  return (
    <section class="list pane" aria-label={t.conversations}>
      <Views filters={filters} />
      <FilterBar filters={filters} />
      <div class="list-scroll">
        {filters.search.trim() ? <SearchResults filters={filters} /> : null}
        {filters.search.trim() ? null : rows.length === 0 ? (
          <div class="empty-state">
            {!loaded ? (
              <p>{t.loading}</p>
            ) : filtered ? (
              <>
                <p>{t.emptyFiltered}</p>
                <button
                  type="button"
                  class="button"
                  onClick={() =>
                    void actions.setFilters({ view: "all", status: "open", channel: "", unread: false, search: "" })
                  }
                >
                  {t.clearFilters}
                </button>
              </>
            ) : (
              <>
                <Icon name="inbox" class="empty-icon" />
                <p>{t.emptyList}</p>
              </>
            )}
          </div>
        ) : null}
        {filters.search.trim() ? null : (
          <ul class="rows" id="conversation-rows">
            {rows.map((c) => (
              <Row key={c.id} c={c} selected={c.id === selectedId} online={online.has(c.id)} />
            ))}
          </ul>
        )}
        {more && !filters.search.trim() ? (
          <button type="button" class="button more" onClick={() => void actions.loadList(true)}>
            {t.loadMore}
          </button>
        ) : null}
      </div>
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
