// wrangler dev's configuration for the bench, generated per run into a temporary folder (never committed,
// never deployed): wrangler.toml with the bench entry (bundled once) as `main`, every path absolute, and
// the floor room's Durable Object binding and migration (a new class needs both).
import { cpSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { experimental_readRawConfig } from "wrangler";
import { buildPublic } from "../scripts/build.mjs";
import { wrangler } from "../scripts/wrangler.mjs";
import { FLOOR_BINDING, FLOOR_CLASS } from "./bench-doors.ts";

const BENCH_ENTRY = "bench/email-ingest-entry.ts";
const FLOOR_ENTRY = "bench/floor-room.ts";
const FLOOR_BINDINGS = [{ name: FLOOR_BINDING, class_name: FLOOR_CLASS }];
const FLOOR_MIGRATION = { tag: "bench-floor-v1", new_sqlite_classes: [FLOOR_CLASS] };

function productConfig() {
  return experimental_readRawConfig({ config: "wrangler.toml" }).rawConfig;
}

function write(dir, config, name = "wrangler.json") {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, name);
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
  return file;
}

/**
 * The product's config with the bench entry and the floor room, written to `dir`: `{ config, bundle }`
 * (their paths). wrangler dev reloads the worker whenever a source or asset file changes, and a reload
 * closes every socket; so that files saved during a run cannot, the worker is bundled once, up front, as
 * a deploy would (`wrangler deploy --dry-run`), wrangler dev runs that bundle as it is, and the assets
 * are a copy of public/, freshly built.
 * wrangler dev reads `.dev.vars` beside its config: a link to the project's, which `npm start` writes
 * before it starts wrangler dev.
 */
export async function writeBenchConfig(dir, { inspectorPort }) {
  const c = productConfig();
  await buildPublic();
  if (c.assets) cpSync(resolve(c.assets.directory), join(dir, "assets"), { recursive: true });
  const config = {
    ...c,
    main: resolve(BENCH_ENTRY),
    assets: c.assets && { ...c.assets, directory: join(dir, "assets") },
    d1_databases: c.d1_databases?.map((d) => ({
      ...d,
      ...(d.migrations_dir && { migrations_dir: resolve(d.migrations_dir) }),
    })),
    durable_objects: { ...c.durable_objects, bindings: [...(c.durable_objects?.bindings ?? []), ...FLOOR_BINDINGS] },
    migrations: [...(c.migrations ?? []), FLOOR_MIGRATION],
    // Its own inspector (--profile), never another wrangler dev's that took the default port first.
    dev: { ...c.dev, inspector_port: inspectorPort },
  };
  const outdir = join(dir, "bundle");
  await wrangler(["deploy", "--dry-run", "--outdir", outdir, "--config", write(dir, config, "wrangler.build.json")]);
  const bundle = join(outdir, basename(BENCH_ENTRY).replace(/\.ts$/, ".js"));
  const file = write(dir, { ...config, main: bundle, no_bundle: true });
  symlinkSync(resolve(".dev.vars"), join(dir, ".dev.vars"));
  return { config: file, bundle };
}

/** Only the floor room, as its own worker (for its test: no assets, D1 or secrets); returns its path. */
export function writeFloorConfig(dir) {
  const { compatibility_date, compatibility_flags } = productConfig();
  return write(dir, {
    name: "bench-floor",
    main: resolve(FLOOR_ENTRY),
    compatibility_date,
    compatibility_flags,
    durable_objects: { bindings: FLOOR_BINDINGS },
    migrations: [FLOOR_MIGRATION],
  });
}
