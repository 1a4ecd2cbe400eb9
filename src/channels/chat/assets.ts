import type { Context } from "hono";
import type { AppEnv } from "../../app-env";
import { ApiError, errorResponse } from "../../lib/errors";

/** The embed URL sites put in their script tag: stable, so it is cached briefly. */
export const LOADER_PATH = "/widget.js";
/** Content-hashed chunks the loader imports on demand: a new build gets new names, so they are cached forever. */
const CHUNK_PATH = /^\/build\/widget\/[A-Za-z0-9_-]+\.js$/;
const LOADER_CACHE = "public, max-age=300";
const CHUNK_CACHE = "public, max-age=31536000, immutable";

export function isWidgetAsset(path: string): boolean {
  return path === LOADER_PATH || path.startsWith("/build/widget/");
}

/**
 * Serves the widget's files to any site. They are public code, so `Access-Control-Allow-Origin: *`
 * (a module `import()` from another origin is a CORS request) and `Cross-Origin-Resource-Policy:
 * cross-origin` (a classic script tag is not). Which sites may *use* the widget is decided by the API
 * and socket (WIDGET_ORIGINS), not here.
 */
export async function serveWidgetAsset(c: Context<AppEnv>): Promise<Response> {
  const url = new URL(c.req.url);
  const loader = url.pathname === LOADER_PATH;
  if (!loader && !CHUNK_PATH.test(url.pathname)) return notFound(c);
  const headers = new Headers();
  const etag = c.req.header("if-none-match");
  if (etag) headers.set("if-none-match", etag);
  const asset = await c.env.ASSETS.fetch(
    new Request(new URL(loader ? "/build/widget.js" : url.pathname, url), { method: c.req.method, headers }),
  );
  // A missing file would otherwise come back as the app's index.html (single-page fallback).
  const isScript = /javascript/.test(asset.headers.get("content-type") ?? "");
  if (asset.status === 404 || (asset.status === 200 && !isScript)) return notFound(c);
  const response = new Response(asset.body, asset);
  response.headers.set("cache-control", loader ? LOADER_CACHE : CHUNK_CACHE);
  response.headers.set("access-control-allow-origin", "*");
  response.headers.set("cross-origin-resource-policy", "cross-origin");
  response.headers.set("x-content-type-options", "nosniff");
  return response;
}

function notFound(c: Context): Response {
  return errorResponse(c, new ApiError(404, "not_found", "No such widget file"));
}
