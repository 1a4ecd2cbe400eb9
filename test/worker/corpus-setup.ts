import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { TestProject } from "vitest/node";

import "../support/corpus-context";
import { startGraphStub } from "../support/graph-stub";

const ROOT = join(import.meta.dirname, "../../../shared/corpus");

/**
 * Reads the shared corpus as bytes (never as text: charsets and CRLF must arrive intact), and starts
 * the local Graph API stub the worker's Messenger code talks to.
 */
export default async function setup(project: TestProject) {
  const corpus: Record<string, string> = {};
  // Missing ../shared is a failure, not a skip: readdirSync throws.
  for (const folder of ["messenger", "email", "reply-bodies"]) {
    for (const file of readdirSync(join(ROOT, folder))) {
      corpus[`${folder}/${file}`] = readFileSync(join(ROOT, folder, file)).toString("base64");
    }
  }
  corpus["MANIFEST.tsv"] = readFileSync(join(ROOT, "MANIFEST.tsv")).toString("base64");
  project.provide("corpus", corpus);
  const graph = await startGraphStub();
  project.provide("graphStubUrl", graph.url);
  return () => new Promise<void>((resolve) => graph.server.close(() => resolve()));
}
