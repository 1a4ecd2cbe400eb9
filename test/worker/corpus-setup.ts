import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { TestProject } from "vitest/node";

import "../support/corpus-context";
import { startGraphStub } from "../support/graph-stub";
import { startPushStub } from "../support/push-stub";

/** The permissively licensed part of the corpus, in the repository (see its NOTICE). */
const VENDORED = join(import.meta.dirname, "../fixtures/corpus");
/** The whole corpus, AGPL/GPL files included: beside the repository, always there on CI. */
const SHARED = join(import.meta.dirname, "../../../shared/corpus");
const FOLDERS = ["messenger", "email", "reply-bodies"];

/** folder/file → bytes for every file of a corpus root. */
function readCorpus(root: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const folder of FOLDERS) {
    for (const file of readdirSync(join(root, folder))) {
      files.set(`${folder}/${file}`, readFileSync(join(root, folder, file)));
    }
  }
  return files;
}

/** MANIFEST.tsv as its header line and file → row. */
function readManifest(root: string): { header: string; rows: Map<string, string> } {
  const [header, ...rows] = readFileSync(join(root, "MANIFEST.tsv"), "utf8")
    .split("\n")
    .filter((l) => l !== "");
  return { header: header!, rows: new Map(rows.map((row) => [row.split("\t")[0]!, row])) };
}

/**
 * Reads the corpus as bytes (never as text: charsets and CRLF must arrive intact): the vendored files always,
 * and ../shared/corpus as well when it is there (CI must have it). Starts the local Graph API stub the
 * worker's Messenger code talks to.
 */
export default async function setup(project: TestProject) {
  const files = readCorpus(VENDORED);
  const manifest = readManifest(VENDORED);
  const vendoredCount = files.size;
  const shared = existsSync(SHARED);
  if (shared) {
    for (const [name, bytes] of readCorpus(SHARED)) {
      const vendored = files.get(name);
      if (vendored && !vendored.equals(bytes)) {
        throw new Error(`test/fixtures/corpus/${name} differs from ../shared/corpus/${name}: copy it again with cp`);
      }
      files.set(name, bytes);
    }
    const sharedManifest = readManifest(SHARED);
    if (sharedManifest.header !== manifest.header) {
      throw new Error("test/fixtures/corpus/MANIFEST.tsv and ../shared/corpus/MANIFEST.tsv have different columns");
    }
    for (const [name, row] of sharedManifest.rows) manifest.rows.set(name, row);
  } else if (process.env.CI === "true") {
    throw new Error(
      `CI=true but ../shared/corpus is missing (${SHARED}): the AGPL/GPL corpus files cannot be tested, and on CI they must be.`,
    );
  } else {
    process.stderr.write(
      `corpus: ../shared/corpus not found; only the ${vendoredCount} vendored files in test/fixtures/corpus were tested; the AGPL/GPL and unclear-licence files (e.g. the Big5 and Shift_JIS mail) did not run, and the tests that name them are skipped.\n`,
    );
  }
  const missing = [...files.keys()].filter((name) => !manifest.rows.has(name));
  if (missing.length) throw new Error(`MANIFEST.tsv has no row for ${missing.join(", ")}`);

  const corpus: Record<string, string> = {};
  for (const [name, bytes] of files) corpus[name] = bytes.toString("base64");
  const manifestText = `${[manifest.header, ...manifest.rows.values()].join("\n")}\n`;
  corpus["MANIFEST.tsv"] = Buffer.from(manifestText).toString("base64");
  project.provide("corpus", corpus);
  project.provide("sharedCorpus", shared);
  const graph = await startGraphStub();
  project.provide("graphStubUrl", graph.url);
  const push = await startPushStub();
  project.provide("pushStubUrl", push.url);
  return async () => {
    await Promise.all([graph.server, push.server].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  };
}
