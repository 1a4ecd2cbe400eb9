// The inbox app: src/web/inbox → public/build/inbox.js (+ inbox.css), and its service worker → public/sw.js.
// Written with hono/jsx/dom.
import { build } from "esbuild";

export async function buildInbox() {
  await build({
    entryPoints: { inbox: "src/web/inbox/main.tsx" },
    outdir: "public/build",
    bundle: true,
    format: "esm",
    target: "es2022",
    minify: true,
    sourcemap: "linked",
    jsx: "automatic",
    jsxImportSource: "hono/jsx/dom",
    logLevel: "warning",
  });
  // S39: the service worker, at the origin's root so its scope is the whole app (a static file, like the app).
  await build({
    entryPoints: { sw: "src/web/inbox/sw.ts" },
    outdir: "public",
    bundle: true,
    format: "iife",
    target: "es2022",
    minify: true,
    logLevel: "warning",
  });
}
