import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** The one error shape every API route answers with. */
export interface ErrorBody {
  error: { code: string; message: string; fields?: Record<string, string> };
}

/** A refusal caused by the caller: becomes a 4xx JSON answer. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly fields?: Record<string, string>,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export function errorResponse(c: Context, err: ApiError): Response {
  const body: ErrorBody = { error: { code: err.code, message: err.message } };
  if (err.fields) body.error.fields = err.fields;
  return c.json(body, err.status, err.headers);
}

/** Hono's `onError`: known refusals keep their status; anything else is a 500 without internals. */
export function handleError(err: Error, c: Context): Response {
  if (err instanceof ApiError) return errorResponse(c, err);
  if (err instanceof HTTPException) {
    // Hono's own validator throws these, e.g. for a body that is not JSON.
    const status = err.status as ContentfulStatusCode;
    const code = status === 400 ? "malformed_request" : `http_${status}`;
    return errorResponse(c, new ApiError(status, code, err.message || "Request refused"));
  }
  console.error("unhandled error", c.req.method, c.req.path, err);
  return c.json<ErrorBody>({ error: { code: "internal_error", message: "Something went wrong on our side" } }, 500);
}
