import { hc } from "hono/client";
import type { Api } from "../../app";

/** The API through Hono's typed client: paths, inputs and JSON outputs are checked against the worker. */
export const api = hc<Api>("/", { init: { credentials: "same-origin" } }).api;

export interface ApiFailure {
  status: number;
  code: string;
  message: string;
  /** From Retry-After on a 429 (posting too fast): seconds to wait. */
  retryAfterS?: number;
}

/** Reads a response: its JSON when ok, else the API's `{ error }` as a thrown ApiFailure. */
export async function ok<T>(res: { ok: boolean; status: number; headers?: Headers; json(): Promise<T> }): Promise<T> {
  if (res.ok) return res.json();
  const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
  const failure: ApiFailure = {
    status: res.status,
    code: body?.error?.code ?? "http_error",
    message: body?.error?.message ?? `HTTP ${res.status}`,
  };
  const retryAfter = Number(res.headers?.get("retry-after"));
  if (res.status === 429 && retryAfter > 0) failure.retryAfterS = retryAfter;
  if (res.status === 401) sessionEnded();
  throw failure;
}

let onSessionEnded = () => {};
export function whenSignedOut(handler: () => void): void {
  onSessionEnded = handler;
}

/** The session ended (a 401, or a socket closed for it): back to sign-in. */
export function sessionEnded(): void {
  onSessionEnded();
}
