import { defineConfig } from "drizzle-kit";

// Flat `migrations/NNNN_name.sql` files: both `wrangler d1 migrations apply` and the vitest plugin's
// `readD1Migrations` read them. Hand-written SQL (the S8 delete guard) goes in `--custom` migrations.
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/db/schema/index.ts",
  out: "./migrations",
});
