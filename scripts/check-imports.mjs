#!/usr/bin/env node
// The import rules of src/, checked by `npm run check:imports` (and CI):
//  1. no product folder imports one that imports it back (folders: src/<name>, and src/channels/<name>,
//     src/web/<name>; the files at src/ itself are the composition root and may import anything);
//  2. no cycle between files through value imports (type-only imports are erased and cannot cycle at run time);
//  3. a routes.ts is a leaf that only src/app.ts imports.
// A short script of ours rather than a dependency: the rules are ours, and a regex over import
// statements is enough for a code base that uses only static ES imports.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const src = join(root, "src");

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return /\.(ts|tsx)$/.test(name) && !name.endsWith(".d.ts") ? [path] : [];
  });
}

const IMPORT = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?["']([^"']+)["']/gm;

function resolveImport(from, spec) {
  if (!spec.startsWith(".")) return null;
  const base = resolve(dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, "index.ts")]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {}
  }
  throw new Error(`${relative(root, from)}: cannot resolve ${spec}`);
}

/** The product folder a file belongs to, or null for the composition root at src/. */
function folderOf(file) {
  const parts = relative(src, file).split("/");
  if (parts.length === 1) return null;
  return parts[0] === "channels" || parts[0] === "web" ? parts.slice(0, 2).join("/") : parts[0];
}

const edges = []; // { from, to, typeOnly }
for (const file of files(src)) {
  const text = readFileSync(file, "utf8");
  for (const m of text.matchAll(IMPORT)) {
    const to = resolveImport(file, m[3]);
    // `import { type A, type B }` is type-only too.
    const named = /\{([^}]*)\}/.exec(m[0])?.[1];
    const allTypes = named?.split(",").every((n) => !n.trim() || n.trim().startsWith("type "));
    if (to?.startsWith(src)) edges.push({ from: file, to, typeOnly: Boolean(m[2]) || allTypes });
  }
}

const problems = [];
const rel = (f) => relative(root, f);

// 1. Folder knots.
const folderEdges = new Map();
for (const e of edges) {
  const [a, b] = [folderOf(e.from), folderOf(e.to)];
  if (!a || !b || a === b) continue;
  const key = `${a} -> ${b}`;
  if (!folderEdges.has(key)) folderEdges.set(key, e);
}
for (const [key, e] of folderEdges) {
  const [a, b] = key.split(" -> ");
  const back = folderEdges.get(`${b} -> ${a}`);
  if (back && a < b)
    problems.push(
      `folders ${a} and ${b} import each other: ${rel(e.from)} -> ${rel(e.to)}, ${rel(back.from)} -> ${rel(back.to)}`,
    );
}

// 2. File cycles through value imports (depth-first search for a back edge).
const graph = new Map();
for (const e of edges) if (!e.typeOnly) graph.set(e.from, [...(graph.get(e.from) ?? []), e.to]);
const state = new Map(); // 1 visiting, 2 done
function visit(file, path) {
  state.set(file, 1);
  for (const next of graph.get(file) ?? []) {
    if (state.get(next) === 1)
      problems.push(`import cycle: ${[...path.slice(path.indexOf(next)), next].map(rel).join(" -> ")}`);
    else if (!state.has(next)) visit(next, [...path, next]);
  }
  state.set(file, 2);
}
for (const file of graph.keys()) if (!state.has(file)) visit(file, [file]);

// 3. routes.ts files are leaves.
for (const e of edges) {
  if (e.to.endsWith("/routes.ts") && rel(e.from) !== "src/app.ts")
    problems.push(`${rel(e.from)} imports ${rel(e.to)}: routes.ts files are imported by src/app.ts only`);
}

if (problems.length) {
  console.error(`check-imports: ${problems.length} problem(s)\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  process.exit(1);
}
console.log(
  `check-imports: ${edges.length} imports between ${new Set(edges.map((e) => e.from)).size} files; no folder knots, no cycles, routes.ts are leaves`,
);
