#!/usr/bin/env node
// `npm run deploy`: build, migrate the remote D1 database, deploy the worker.
// Migrations run before the new code goes live; on the very first deploy the database does not exist
// yet, so the worker is deployed first (wrangler provisions the database) and migrated right after.
import { buildPublic } from "./build.mjs";
import { wrangler } from "./wrangler.mjs";

const migrate = () => wrangler(["d1", "migrations", "apply", "DB", "--remote"], { quiet: false });
const deploy = () => wrangler(["deploy"], { quiet: false });

await buildPublic();
const databases = JSON.parse(await wrangler(["d1", "list", "--json"]));
const exists = databases.some((db) => db.name === "conversations-inbox");
if (exists) {
  await migrate();
  await deploy();
} else {
  await deploy();
  await migrate();
}
console.log(
  '\nDeployed. First time? Create the first admin:\n  npm run admin:create -- --remote --email you@example.com --name "Your Name"',
);
