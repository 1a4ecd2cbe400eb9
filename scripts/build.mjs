#!/usr/bin/env node
// Bundles the browser code (the inbox app) into public/build/. `npm start`, `npm test` and
// `npm run deploy` run this first, so public/ is never stale.
import { build } from "esbuild";

export async function buildPublic() {
  await build({
    entryPoints: { inbox: "src/web/inbox/main.ts" },
    outdir: "public/build",
    bundle: true,
    format: "esm",
    target: "es2022",
    minify: true,
    sourcemap: "linked",
    logLevel: "warning",
  });
}

if (import.meta.url === `file://${process.argv[1]}`) await buildPublic();
