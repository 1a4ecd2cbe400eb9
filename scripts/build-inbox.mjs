// The inbox app: src/web/inbox → public/build/inbox.js (+ inbox.css). Written with hono/jsx/dom.
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
}
