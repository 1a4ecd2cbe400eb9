import { useEffect, useState } from "hono/jsx/dom";
import type { ApiFailure } from "../api";

/**
 * A list an admin screen shows and changes: loads it, and `run`s a change then reloads, keeping the
 * API's error message to show.
 */
export function useList<T>(load: () => Promise<T[]>) {
  const [items, setItems] = useState<T[]>([]);
  const [error, setError] = useState("");
  const reload = async () => setItems(await load());
  useEffect(() => void reload(), []);
  const run = async (action: () => Promise<unknown>) => {
    setError("");
    try {
      await action();
      await reload();
    } catch (err) {
      setError((err as ApiFailure).message);
    }
  };
  return { items, error, run };
}
