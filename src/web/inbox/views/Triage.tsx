import { useEffect, useRef, useState } from "hono/jsx/dom";
import type { ConversationSummary } from "../../../protocol";
import { t } from "../i18n";
import { useSelect } from "../state";
import { type Label, team, teamActions } from "../team";

const NO_LABELS: readonly Label[] = [];

/** S35: a conversation's labels as coloured chips (rows and header). */
export function LabelChips({ ids }: { ids: readonly string[] }) {
  const labels = useSelect(team, (s) => (ids.length ? s.labels : NO_LABELS));
  const shown = labels.filter((l) => ids.includes(l.id));
  if (shown.length === 0) return null;
  return (
    <span class="label-chips">
      {shown.map((l) => (
        <span class="label-chip" style={`--label: ${l.color}`} data-label={l.id} title={t.labelled(l.name)}>
          {l.name}
        </span>
      ))}
    </span>
  );
}

/** A small popup opened by a header button (and a key, through an event: `inbox:<name>`). */
function usePopup(name: string) {
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLFieldSetElement>(null);
  useEffect(() => {
    const onKey = () => setOpen(true);
    addEventListener(`inbox:${name}`, onKey);
    return () => removeEventListener(`inbox:${name}`, onKey);
  }, []);
  useEffect(() => {
    if (open) box.current?.querySelector<HTMLElement>("input, button")?.focus();
  }, [open]);
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === "Escape") {
      setOpen(false);
      document.getElementById(`${name}-button`)?.focus();
    }
  };
  return { open, setOpen, box, onKeyDown };
}

/** The presets of S36 in the agent's own time zone: in an hour, tomorrow 9:00, next Monday 9:00. */
export function snoozePresets(now = new Date()): { label: string; at: number }[] {
  const nine = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate(), 9, 0, 0, 0).getTime();
  const tomorrow = new Date(now);
  tomorrow.setDate(now.getDate() + 1);
  const monday = new Date(now);
  monday.setDate(now.getDate() + ((8 - now.getDay()) % 7 || 7));
  return [
    { label: t.inAnHour, at: now.getTime() + 3_600_000 },
    { label: t.tomorrowMorning, at: nine(tomorrow) },
    { label: t.nextMonday, at: nine(monday) },
  ];
}

/**
 * One header button for what triages a conversation (S35, S36): mark unread, snooze until a preset or a
 * chosen time (or bring it back), and its labels. One button keeps the header inside a phone's width;
 * `s` and `l` open it, `u` marks unread (main.tsx).
 */
export function TriageMenu({ summary }: { summary: ConversationSummary }) {
  const labels = useSelect(team, (s) => s.labels);
  const { open, setOpen, box, onKeyDown } = usePopup("triage");
  const [custom, setCustom] = useState("");
  const usable = labels.filter((l) => !l.archived || summary.labels.includes(l.id));
  const snooze = (at: number | null) => {
    setOpen(false);
    void teamActions.snooze(summary.id, at);
  };
  const toggle = (id: string, on: boolean) => {
    const next = on ? [...summary.labels, id] : summary.labels.filter((x) => x !== id);
    void teamActions.setLabels(summary.id, next);
  };
  return (
    <div class="assign">
      <button
        type="button"
        class="button"
        id="triage-button"
        aria-haspopup="true"
        aria-expanded={open ? "true" : "false"}
        title={t.moreActions}
        onClick={() => setOpen(!open)}
      >
        <span aria-hidden="true">⋯</span>
        <span class="visually-hidden">{t.moreActions}</span>
      </button>
      {open ? (
        <fieldset class="menu-popup triage" aria-label={t.moreActions} ref={box} onKeyDown={onKeyDown}>
          {summary.read ? (
            <button
              type="button"
              class="menu-item"
              id="unread-button"
              onClick={() => {
                setOpen(false);
                void teamActions.markUnread(summary.id);
              }}
            >
              {t.markUnread}
            </button>
          ) : null}
          {summary.status === "open" && summary.snoozedUntil ? (
            <button type="button" class="menu-item" id="unsnooze-button" onClick={() => snooze(null)}>
              {t.unsnooze} ({new Date(summary.snoozedUntil).toLocaleString()})
            </button>
          ) : null}
          {summary.status === "open" && !summary.snoozedUntil ? (
            <fieldset class="menu-section">
              <legend>{t.snooze}</legend>
              {snoozePresets().map((p) => (
                <button type="button" class="menu-item" data-snooze={p.label} onClick={() => snooze(p.at)}>
                  {p.label}
                </button>
              ))}
              <span class="menu-item snooze-custom">
                <input
                  class="input"
                  type="datetime-local"
                  aria-label={t.snoozeUntilTime}
                  value={custom}
                  onInput={(e: Event) => setCustom((e.target as HTMLInputElement).value)}
                />
                <button
                  type="button"
                  class="button"
                  onClick={() => {
                    const at = new Date(custom).getTime();
                    if (Number.isFinite(at) && at > Date.now()) snooze(at);
                  }}
                >
                  {t.snooze}
                </button>
              </span>
            </fieldset>
          ) : null}
          <fieldset class="menu-section">
            <legend>{t.labels}</legend>
            {usable.length === 0 ? <p class="menu-empty">{t.noLabels}</p> : null}
            {usable.map((l) => (
              <label class="menu-item">
                <input
                  type="checkbox"
                  checked={summary.labels.includes(l.id)}
                  onChange={(e: Event) => toggle(l.id, (e.target as HTMLInputElement).checked)}
                />
                <span class="label-chip" style={`--label: ${l.color}`}>
                  {l.name}
                </span>
              </label>
            ))}
          </fieldset>
        </fieldset>
      ) : null}
    </div>
  );
}
