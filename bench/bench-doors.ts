// The bench-only doors of bench/email-ingest-entry.ts, shared with the Node side of the bench.

/** POST a batch of raw mails here to hand them to the worker's email() handler inside workerd. */
export const BENCH_EMAIL_PATH = "/api/__bench/email";
/** Mail to this address through wrangler dev's local email endpoint is only read: the endpoint's floor. */
export const FLOOR_RECIPIENT = "bench-floor@bench.invalid";

// The same-runtime chat floor (bench/floor-room.ts). Under /api/ so the worker runs first (wrangler.toml's
// run_worker_first); `?room=<name>&role=visitor|agent` on both, `&after=<seq>` on the socket.
/** POST `{clientId, text}`: stored in the room's SQLite and broadcast to its sockets. */
export const FLOOR_MESSAGES_PATH = "/api/__bench/floor/messages";
/** A hibernating WebSocket into the room: `welcome`, then every message after `after`. */
export const FLOOR_SOCKET_PATH = "/api/__bench/floor/socket";
/** The floor room's Durable Object binding and class, added to the bench's generated wrangler config. */
export const FLOOR_BINDING = "BENCH_FLOOR";
export const FLOOR_CLASS = "FloorRoom";
