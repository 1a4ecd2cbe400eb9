import { inject } from "vitest";
import "../support/corpus-context";

/**
 * A corpus file (test/fixtures/corpus, plus ../shared/corpus when present) as bytes,
 * e.g. `corpusBytes("messenger/m4j_message_read.json")`.
 */
export function corpusBytes(name: string): Uint8Array<ArrayBuffer> {
  const b64 = inject("corpus")[name];
  if (b64 === undefined) throw new Error(`corpus file ${name} is missing`);
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

/**
 * Whether ../shared/corpus (AGPL/GPL and unclear-licence files) was provided. A test naming such a file runs
 * `it.skipIf(!sharedCorpusPresent())`; on CI the setup fails instead when the folder is missing.
 */
export function sharedCorpusPresent(): boolean {
  return inject("sharedCorpus");
}

export function corpusNames(folder: string): string[] {
  return Object.keys(inject("corpus"))
    .filter((n) => n.startsWith(`${folder}/`))
    .sort();
}

/** JSON of a corpus file; a UTF-8 BOM (some fixtures have one) is not part of the JSON. */
export function corpusJson(name: string): unknown {
  return JSON.parse(new TextDecoder().decode(corpusBytes(name)).replace(/^\uFEFF/, ""));
}

/** The `expect` column of MANIFEST.tsv for a folder's files: file → expectation ("-" for none). */
export function corpusExpectations(folder: string): Map<string, string> {
  const rows = new TextDecoder().decode(corpusBytes("MANIFEST.tsv")).split("\n");
  const header = rows[0]!.split("\t");
  const file = header.indexOf("file");
  const expected = header.indexOf("expect");
  const out = new Map<string, string>();
  for (const row of rows.slice(1)) {
    const cells = row.split("\t");
    if (cells[file]?.startsWith(`${folder}/`)) out.set(cells[file]!, cells[expected] ?? "-");
  }
  return out;
}
