import { useEffect, useRef, useState } from "hono/jsx/dom";

/**
 * A container of immutable snapshots: `set` replaces the whole state with a new object (changed parts
 * new, unchanged parts shared), and every listener is told. Nothing here renders; components pick the
 * slice they show with `useSelect` and re-render only when that slice is a different value.
 */
export class Store<S> {
  private listeners = new Set<() => void>();

  constructor(private current: S) {}

  get state(): S {
    return this.current;
  }

  set(next: S | ((state: S) => S)): void {
    const value = typeof next === "function" ? (next as (state: S) => S)(this.current) : next;
    if (value === this.current) return;
    this.current = value;
    for (const listener of [...this.listeners]) listener();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** True when two arrays hold the same items in the same order (for selectors that build arrays). */
export function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
}

/**
 * The slice of a store a component shows: re-renders the component when `select` returns a value that
 * is not `equal` to the last one, and never otherwise (a typing frame that changes only the typing slice
 * leaves every other component alone).
 */
export function useSelect<S, T>(
  store: Store<S>,
  select: (state: S) => T,
  equal: (a: T, b: T) => boolean = Object.is,
): T {
  const [, force] = useState(0);
  const value = select(store.state);
  const last = useRef(value);
  const selector = useRef(select);
  last.current = value;
  selector.current = select;
  useEffect(() => {
    const check = () => {
      const next = selector.current(store.state);
      if (equal(last.current as T, next)) return;
      last.current = next;
      force((n) => n + 1);
    };
    const unsubscribe = store.subscribe(check);
    check(); // it may have changed between this render and the subscription
    return unsubscribe;
  }, [store]);
  return value;
}

/**
 * Render counts per view, for the test that proves what a change re-renders (a typing frame must not
 * re-render the list). A few integers; read as `window.__inboxRenders` in the browser.
 */
const renders: Record<string, number> = {};
(globalThis as { __inboxRenders?: Record<string, number> }).__inboxRenders = renders;
export function counted(view: string): void {
  renders[view] = (renders[view] ?? 0) + 1;
}
