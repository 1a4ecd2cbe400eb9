// The bench-only doors of bench/email-ingest-entry.ts, shared with the Node side of the bench.

/** POST a batch of raw mails here to hand them to the worker's email() handler inside workerd. */
export const BENCH_EMAIL_PATH = "/api/__bench/email";
/** Mail to this address through wrangler dev's local email endpoint is only read: the endpoint's floor. */
export const FLOOR_RECIPIENT = "bench-floor@bench.invalid";
