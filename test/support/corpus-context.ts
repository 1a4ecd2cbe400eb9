// Typed `inject("corpus")` for the worker tests, provided by test/worker/corpus-setup.ts.
declare module "vitest" {
  export interface ProvidedContext {
    /** ../shared/corpus/<folder>/<file> → the file's bytes, base64 (workerd cannot read host files). */
    corpus: Record<string, string>;
    /** The local Graph API stub (test/support/graph-stub.ts), with its version path. */
    graphStubUrl: string;
  }
}

export {};
