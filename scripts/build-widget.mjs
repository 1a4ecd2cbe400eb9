// The chat widget: src/web/widget → public/build/. Two parts (README "Chat widget"):
// - the loader, `public/build/widget.js`, served at the stable URL /widget.js: a classic script (so
//   `<script async>` works everywhere and `document.currentScript` tells it where it came from);
// - the panel, `public/build/widget/panel-<hash>.js`, an ES module the loader imports when the visitor
//   shows intent; content-hashed, so it is cached forever and a new build never serves a stale one.
import { build } from "esbuild";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { gzipSync } from "node:zlib";

const OUT = "public/build";
const common = {
  bundle: true,
  minify: true,
  target: "es2022",
  legalComments: "none",
  logLevel: "warning",
  charset: "utf8",
};

export async function buildWidget() {
  rmSync(`${OUT}/widget`, { recursive: true, force: true });
  const panel = await build({
    ...common,
    entryPoints: { panel: "src/web/widget/panel.ts" },
    outdir: `${OUT}/widget`,
    entryNames: "[name]-[hash]",
    format: "esm",
    metafile: true,
  });
  const panelFile = Object.keys(panel.metafile.outputs).find((f) => f.endsWith(".js"));
  await build({
    ...common,
    entryPoints: ["src/web/widget/loader.ts"],
    outfile: `${OUT}/widget.js`,
    format: "iife",
    define: { __PANEL_PATH__: JSON.stringify(`/build/widget/${basename(panelFile)}`) },
  });
  const sizes = widgetSizes(`${OUT}/widget.js`, panelFile);
  writeFileSync(`${OUT}/widget-sizes.json`, JSON.stringify(sizes, null, 2));
  console.log(formatSizes(sizes));
  return sizes;
}

/** Bytes on the wire (gzip -9, as a CDN would serve them): the loader alone, and loader + panel. */
export function widgetSizes(loaderFile, panelFile) {
  const gz = (file) => gzipSync(readFileSync(file), { level: 9 }).byteLength;
  const loader = gz(loaderFile);
  const panel = gz(panelFile);
  return { loaderGzip: loader, panelGzip: panel, wholeGzip: loader + panel, panelFile: basename(panelFile) };
}

export function formatSizes(s) {
  const kb = (n) => `${(n / 1024).toFixed(2)} KB`;
  return `widget (gzip): loader ${kb(s.loaderGzip)} (${s.loaderGzip} B, budget 5 KB); whole widget ${kb(s.wholeGzip)} (${s.wholeGzip} B, budget 25 KB)`;
}

if (import.meta.url === `file://${process.argv[1]}`) await buildWidget();
