import { hc } from "hono/client";
import type { Api } from "../../app";
import type { Message } from "../../protocol";

/** The API through Hono's typed client: paths, inputs and JSON outputs are checked against the worker. */
export const api = hc<Api>("/", { init: { credentials: "same-origin" } }).api;

export interface ApiFailure {
  status: number;
  code: string;
  message: string;
  /** From Retry-After on a 429 (posting too fast): seconds to wait. */
  retryAfterS?: number;
  /** S38: a held reply's news, the messages its author had not seen. */
  newer?: Message[];
}

/** The JSON of the successful responses among a route's typed responses (a refusal's body is thrown instead). */
type OkBody<R> = R extends { ok: false } ? never : R extends { json(): Promise<infer T> } ? T : never;

/** Reads a response: its JSON when ok (nothing for a 204), else the API's `{ error }` as a thrown ApiFailure. */
export async function ok<R extends { ok: boolean; status: number; headers?: Headers; json(): Promise<unknown> }>(
  res: R,
): Promise<OkBody<R>> {
  if (res.status === 204) return undefined as OkBody<R>;
  if (res.ok) return (await res.json()) as OkBody<R>;
  const body = (await res.json().catch(() => null)) as {
    error?: { code?: string; message?: string };
    newer?: Message[];
  } | null;
  const failure: ApiFailure = {
    status: res.status,
    code: body?.error?.code ?? "http_error",
    message: body?.error?.message ?? `HTTP ${res.status}`,
  };
  const retryAfter = Number(res.headers?.get("retry-after"));
  if (res.status === 429 && retryAfter > 0) failure.retryAfterS = retryAfter;
  if (failure.code === "stale" && Array.isArray(body?.newer)) failure.newer = body.newer;
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
