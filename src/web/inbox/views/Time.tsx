import { clockTime, dateTime, fullDateTime, relativeTime } from "../format";
import { useSelect } from "../state";
import { store } from "../inbox-state";

/** "5 min", moving on with the store's clock; the full date and time on hover. Only the clock re-renders it. */
export function RelativeTime({ at, class: className }: { at: number; class?: string }) {
  const now = useSelect(store, (s) => s.now);
  return (
    <time class={className} dateTime={new Date(at).toISOString()} title={fullDateTime(at)}>
      {relativeTime(at, Math.max(now, Date.now()))}
    </time>
  );
}

/** A time of day ("2:37 PM"), or date and time when `withDate`; the full date on hover. */
export function Clock({ at, withDate = false, class: className }: { at: number; withDate?: boolean; class?: string }) {
  return (
    <time class={className} dateTime={new Date(at).toISOString()} title={fullDateTime(at)}>
      {withDate ? dateTime(at) : clockTime(at)}
    </time>
  );
}
