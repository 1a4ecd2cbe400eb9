#!/usr/bin/env node
// `npm run deploy`: build, migrate the remote D1 databases, deploy the worker.
// Migrations run before the new code goes live; on the very first deploy the database does not exist
// yet, so the worker is deployed first (wrangler provisions the database) and migrated right after.
import { buildPublic } from "./build.mjs";
import { wrangler } from "./wrangler.mjs";

// Both databases: the main one and the search index (S41), which has migrations of its own.
const migrate = async () => {
  await wrangler(["d1", "migrations", "apply", "DB", "--remote"], { quiet: false });
  await wrangler(["d1", "migrations", "apply", "SEARCH", "--remote"], { quiet: false });
};
const deploy = () => wrangler(["deploy"], { quiet: false });

await buildPublic();
const databases = JSON.parse(await wrangler(["d1", "list", "--json"]));
// An existing deployment that predates search gets its search database provisioned by this deploy.
const exists = ["conversations-inbox", "conversations-inbox-search"].every((name) =>
  databases.some((db) => db.name === name),
);
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
