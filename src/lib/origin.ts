import type { Context } from "hono";

/** This deployment's own origin, as the request reached it (the one origin the inbox app runs on). */
export function ownOrigin(c: Context): string {
  return new URL(c.req.url).origin;
}

/** The one test for "this request came from our own pages": an `Origin` header equal to ours. */
export function isOwnOrigin(c: Context, origin: string | null | undefined): boolean {
  return origin === ownOrigin(c);
}
