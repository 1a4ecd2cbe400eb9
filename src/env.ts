/** Bindings declared in wrangler.toml, plus secrets from `wrangler secret put` (or `.dev.vars` locally). */
export interface Env {
  DB: D1Database;
  ASSETS: Fetcher;
  SIGN_IN_PER_ACCOUNT: RateLimit;
  SIGN_IN_PER_CLIENT: RateLimit;
  SESSION_IDLE_MINUTES: string;
  SESSION_MAX_DAYS: string;
}

type WorkerEnv = Env;
declare global {
  namespace Cloudflare {
    // Types `env` from "cloudflare:workers" and "cloudflare:test".
    interface Env extends WorkerEnv {}
    // Types `exports` from "cloudflare:workers" (loopback bindings to our own entry points).
    interface GlobalProps {
      mainModule: typeof import("./index");
    }
  }
}
