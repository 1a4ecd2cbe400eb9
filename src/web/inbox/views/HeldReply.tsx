import { useEffect, useRef } from "hono/jsx/dom";
import type { ConversationSummary, Message } from "../../../protocol";
import { authorOf } from "../format";
import { t } from "../i18n";
import { useSelect } from "../state";
import { store } from "../inbox-state";

/**
 * S38: the last message the author had seen when their draft began, sent with it as `basedOnSeq`, so the
 * server holds a reply or note that news has overtaken.
 */
export function useDraftBase() {
  const lastSeq = useSelect(store, (s) => s.thread?.messages.at(-1)?.seq ?? 0);
  const base = useRef<number | null>(null);
  useEffect(() => {
    // A draft begun before the thread loaded has seen what the thread first shows.
    if (base.current === 0 && lastSeq > 0) base.current = lastSeq;
  }, [lastSeq]);
  return {
    /** The draft changed: an empty one has no base, a new one is based on what the thread shows now. */
    edited(text: string) {
      if (text === "") base.current = null;
      else base.current ??= lastSeq;
    },
    /**
     * The base to send with the draft; the next draft starts afresh. None while the thread has not
     * loaded: what the author saw is unknown then, and the server checks nothing.
     */
    take(): number | undefined {
      const seen = base.current || lastSeq || undefined;
      base.current = null;
      return seen;
    },
    /** A held draft keeps the base it was sent with… */
    keep(seen: number | undefined) {
      base.current = seen ?? null;
    },
    /** …until its author has read the news (Edit). */
    read() {
      base.current = lastSeq;
    },
  };
}

/** S38: a held draft: the news it had not seen, and Send anyway or Edit. */
export function HeldReply(props: {
  news: readonly Message[];
  summary: ConversationSummary;
  meId: string;
  onSend: () => void;
  onEdit: () => void;
}) {
  return (
    <div class="ask" role="alertdialog" aria-labelledby="held-title" data-testid="held-reply">
      <p id="held-title" class="ask-title">
        {t.heldReply}
      </p>
      <ul class="held-news">
        {props.news.map((m) => (
          <li key={m.id}>
            <strong>{authorOf(m, props.summary, props.meId)}</strong> {m.text}
          </li>
        ))}
      </ul>
      <div class="ask-actions">
        <button type="button" class="button primary" onClick={props.onSend}>
          {t.sendAnyway}
        </button>
        <button type="button" class="button ghost" onClick={props.onEdit}>
          {t.editReply}
        </button>
      </div>
    </div>
  );
}
