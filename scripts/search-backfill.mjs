#!/usr/bin/env node
// S41: indexes existing conversations for search. D1 migrations cannot read Durable Objects, so this asks
// the running worker (as an admin) to walk the conversations of the D1 index, a step at a time, each one
// sending the messages the search index lacks. Resumable (an interrupted run continues where it stopped),
// idempotent (each message is keyed by conversation and sequence number): safe to run again at any time.
//
//   npm run search:backfill -- --url https://inbox.example.com --email you@example.com [--password …]
//   npm run search:backfill                      # the local server of `npm start` (demo admin)
//
// --restart walks from the first conversation again; --from-start has every conversation send all of its
// messages again (a new, empty search database).
import { parseArgs } from "node:util";

/** `npm start`'s demo admin (scripts/start.mjs, which runs a server when imported). */
const DEMO_ADMIN = { email: "admin@example.com", password: "demo-admin-password" };

const { values } = parseArgs({
  options: {
    url: { type: "string", default: "http://localhost:8787" },
    email: { type: "string" },
    password: { type: "string" },
    restart: { type: "boolean", default: false },
    "from-start": { type: "boolean", default: false },
    limit: { type: "string", default: "50" },
  },
});
const base = values.url.replace(/\/$/, "");
const local = /^http:\/\/(localhost|127\.0\.0\.1)(:|$)/.test(base);
const email = values.email ?? (local ? DEMO_ADMIN.email : null);
const password = values.password ?? process.env.SEARCH_BACKFILL_PASSWORD ?? (local ? DEMO_ADMIN.password : null);
if (!email || !password) {
  console.error(
    "Usage: npm run search:backfill -- --url <worker URL> --email <admin> [--password … | SEARCH_BACKFILL_PASSWORD]",
  );
  process.exit(2);
}

const post = (path, body, cookie) =>
  fetch(`${base}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: base, ...(cookie && { cookie }) },
    body: JSON.stringify(body),
  });

const signIn = await post("/api/auth/sign-in", { email, password });
if (!signIn.ok) {
  console.error(`Sign-in failed (${signIn.status}): ${await signIn.text()}`);
  process.exit(1);
}
const cookie = signIn.headers.get("set-cookie").split(";")[0];
let restart = values.restart;
let [walked, failed] = [0, 0];
for (;;) {
  const res = await post(
    "/api/search/backfill",
    { restart, fromStart: values["from-start"], limit: Number(values.limit) },
    cookie,
  );
  if (!res.ok) {
    console.error(`Backfill step failed (${res.status}): ${await res.text()}\nRun the command again to resume.`);
    process.exit(1);
  }
  const step = await res.json();
  restart = false;
  walked += step.indexed + step.failed.length;
  failed += step.failed.length;
  for (const id of step.failed)
    console.error(`  ${id}: its write failed; it retries by itself, and the next run asks again`);
  process.stdout.write(`\r${walked} conversations walked${step.position ? `, up to ${step.position}` : ""}   `);
  if (step.done) break;
}
console.log(`\nSearch backfill done: ${walked} conversations, ${failed} to retry.`);
