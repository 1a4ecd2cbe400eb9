import { useEffect } from "hono/jsx/dom";
import type { SearchHit } from "../../../search/search";
import { avatarTone, channelLabel, displayName, initials } from "../format";
import { Icon } from "../icons";
import { t } from "../i18n";
import { paths } from "../router";
import { searchActions, searches, shown } from "../search";
import { useSelect } from "../state";
import { type Filters, store } from "../inbox-state";
import "./search.css";
import { RelativeTime } from "./Time";

/** The matching text, its matches marked: rendered as text, never as HTML. */
function Snippet({ hit }: { hit: SearchHit }) {
  return (
    <span class="preview snippet">
      {hit.snippet.map((part) => (part.match ? <mark>{part.text}</mark> : part.text))}
    </span>
  );
}

function Hit({ hit }: { hit: SearchHit }) {
  const c = hit.conversation;
  const name = displayName(c);
  const m = hit.message;
  const where = !m ? t.searchInConversation : m.kind === "note" ? t.searchInNote : (m.author.name ?? name);
  return (
    <li>
      <a
        href={paths.conversation(c.id)}
        class="row search-result"
        data-conversation-id={c.id}
        data-seq={m?.seq ?? 0}
        onClick={(e: MouseEvent) => {
          e.preventDefault();
          void searchActions.open(hit);
        }}
      >
        <span class="avatar-wrap">
          <span class={`avatar tone-${avatarTone(c.id)}`} aria-hidden="true">
            {initials(name)}
          </span>
        </span>
        <span class="row-top">
          <span class="who">{name}</span>
          <RelativeTime class="when" at={m?.createdAt ?? c.createdAt} />
        </span>
        <span class="row-bottom">
          <span class="channel-icon" role="img" aria-label={channelLabel(c.channel)} title={channelLabel(c.channel)}>
            <Icon name={c.channel === "chat" ? "chat" : c.channel} />
          </span>
          <span class="hit-where">{where}</span>
        </span>
        <Snippet hit={hit} />
      </a>
    </li>
  );
}

/** S41: the server's hits for the list's search box, in place of the list while the box has text. */
export function SearchResults({ filters }: { filters: Filters }) {
  useEffect(() => searchActions.changed(), [filters]);
  // Emptying the box forgets the search; a remount while the box keeps its text (the list re-rendered
  // around it) must not cancel the search the new mount is waiting for.
  useEffect(
    () => () => {
      if (!store.state.filters.search.trim()) searchActions.reset();
    },
    [],
  );
  const s = useSelect(searches, (x) => x);
  const hits = s.hits.filter((h) => shown(h, filters));
  return (
    <div class="search-results" aria-busy={s.status === "loading" ? "true" : "false"}>
      <p class="search-status" role="status">
        {s.status === "failed"
          ? s.error
          : s.status === "loading"
            ? t.searching
            : s.status === "done"
              ? hits.length === 0
                ? t.searchNothing
                : t.searchFound(hits.length, s.nextCursor !== null)
              : ""}
      </p>
      <ul class="rows" id="search-hits">
        {hits.map((h) => (
          <Hit key={`${h.conversation.id}#${h.message?.seq ?? 0}`} hit={h} />
        ))}
      </ul>
      {s.nextCursor && s.status === "done" ? (
        <button type="button" class="button more" onClick={() => searchActions.more()}>
          {t.loadMore}
        </button>
      ) : null}
    </div>
  );
}
