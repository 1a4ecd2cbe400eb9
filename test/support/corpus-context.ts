// Typed `inject("corpus")` for the worker tests, provided by test/worker/corpus-setup.ts.
declare module "vitest" {
  export interface ProvidedContext {
    /**
     * <folder>/<file> → the file's bytes, base64 (workerd cannot read host files): test/fixtures/corpus, plus
     * ../shared/corpus when present. "MANIFEST.tsv" has a row for every file provided.
     */
    corpus: Record<string, string>;
    /** Whether ../shared/corpus (with the AGPL/GPL files) was found and provided. */
    sharedCorpus: boolean;
    /** The local Graph API stub (test/support/graph-stub.ts), with its version path. */
    graphStubUrl: string;
    /** The local push service stub (test/support/push-stub.ts). */
    pushStubUrl: string;
  }
}

export {};
