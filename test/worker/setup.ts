import { env } from "cloudflare:workers";
import { applyD1Migrations } from "cloudflare:test";

// The real migration files, in order, exactly as `wrangler d1 migrations apply` runs them.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
// S41: the search index's own database and migrations.
await applyD1Migrations(env.SEARCH, env.TEST_SEARCH_MIGRATIONS);
