import { useRef, useState } from "hono/jsx/dom";
import { t } from "../i18n";
import { useSelect } from "../state";
import { store } from "../inbox-state";
import { team } from "../team";

/** The word after an "@" right before the caret (what to match agents with), or null. */
export function mentionQuery(text: string, caret: number): string | null {
  const m = /(?:^|\s)@([\p{L}\p{N}._-]*)$/u.exec(text.slice(0, caret));
  return m ? m[1]! : null;
}

export interface Mentions {
  open: string | null;
  active: number;
  query(q: string | null): void;
  /** Arrows move, Enter or Tab picks, Escape closes; true when it handled the key. */
  onKey(e: KeyboardEvent, pick: (name: string) => void): boolean;
  /** The text with "@<query>" before the caret replaced by "@Name ", the caret after it; records the id. */
  insert(el: HTMLTextAreaElement, text: string, name: string): string;
  /** The ids of the agents still mentioned in `text`. */
  idsIn(text: string): string[];
  reset(): void;
  matches(): { id: string; name: string }[];
}

/** S34: the state of the "@" picker of a note: which agents match, which is active, who was picked. */
export function useMentions(): Mentions {
  const [open, setOpen] = useState<string | null>(null);
  const [active, setActive] = useState(0);
  const picked = useRef(new Map<string, string>());
  const me = useSelect(store, (s) => s.me?.id ?? null);
  const agents = useSelect(team, (s) => s.agents);
  const matches = () =>
    open === null
      ? []
      : agents
          .filter((a) => a.active && a.id !== me && a.name.toLocaleLowerCase().includes(open.toLocaleLowerCase()))
          .slice(0, 8);
  const state: Mentions = {
    open,
    active,
    query(q) {
      setOpen(q);
      setActive(0);
    },
    onKey(e, pick) {
      const list = matches();
      if (open === null || list.length === 0) return false;
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        setActive((active + (e.key === "ArrowDown" ? 1 : list.length - 1)) % list.length);
        return true;
      }
      if (e.key === "Enter" || e.key === "Tab") {
        e.preventDefault();
        pick(list[Math.min(active, list.length - 1)]!.name);
        return true;
      }
      if (e.key === "Escape") {
        e.preventDefault();
        setOpen(null);
        return true;
      }
      return false;
    },
    insert(el, text, name) {
      const caret = el.selectionStart ?? text.length;
      const before = text.slice(0, caret).replace(/@[\p{L}\p{N}._-]*$/u, `@${name} `);
      const agent = agents.find((a) => a.name === name);
      if (agent) picked.current.set(name, agent.id);
      setOpen(null);
      setTimeout(() => {
        el.focus();
        el.setSelectionRange(before.length, before.length);
      }, 0);
      return before + text.slice(caret);
    },
    idsIn(text) {
      return [...picked.current].filter(([name]) => text.includes(`@${name}`)).map(([, id]) => id);
    },
    reset() {
      picked.current.clear();
      setOpen(null);
    },
    matches,
  };
  return state;
}

/** S34: the agents an "@" in a note can mention (arrows and Enter, or a click). */
export function MentionPicker({ state, onPick }: { state: Mentions; onPick: (name: string) => void }) {
  const list = state.matches();
  if (state.open === null || list.length === 0) return null;
  return (
    <div class="menu-popup mention-picker" role="listbox" aria-label={t.mentionAgent}>
      {list.map((a, i) => (
        // biome-ignore lint/a11y/useFocusableInteractive: chosen from the note's text box with arrows and Enter, never focused itself
        <div
          role="option"
          tabindex={-1}
          class={`menu-item${i === state.active ? " active" : ""}`}
          aria-selected={i === state.active ? "true" : "false"}
          data-agent={a.id}
          onMouseDown={(e: MouseEvent) => {
            e.preventDefault();
            onPick(a.name);
          }}
        >
          @{a.name}
        </div>
      ))}
    </div>
  );
}
