#!/usr/bin/env node
// `npm start`: everything a fresh machine needs, then a local server.
//   1. build public/            2. .dev.vars with random local secrets, if missing
//   3. local D1 migrations (DB and SEARCH)       4. demo admin and agent
//   5. wrangler dev on $PORT (default 8787), persisting to $PERSIST_TO (default .wrangler/state)
//   6. demo conversations, through the running server's API, then "Ready on <url>" and the demo sign-in
// Settings from wrangler.toml's [vars] can be overridden from the environment (tests shorten the
// presence timings this way), e.g. PRESENCE_GRACE_MS=1000 npm start. WORKER_ENTRY replaces
// wrangler.toml's `main`, WRANGLER_CONFIG the whole file for wrangler dev (the bench's generated config:
// the worker through bench/email-ingest-entry.ts, plus its floor room).
import { spawn } from "node:child_process";
import { createECDH, randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync, appendFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { stripVTControlCharacters } from "node:util";
import { buildPublic } from "./build.mjs";
import { seedDemoConversations, waitForServer } from "./demo.mjs";
import { agentSql } from "./create-agent.mjs";
import { d1Target, wrangler, wranglerBin, wranglerEnv } from "./wrangler.mjs";

const port = process.env.PORT || "8787";
const persistTo = process.env.PERSIST_TO || ".wrangler/state";

/** Secrets the worker reads; in production they come from `wrangler secret put`. */
const LOCAL_SECRETS = [
  "VISITOR_TOKEN_SECRET",
  "WIDGET_IDENTITY_SECRET",
  "MESSENGER_APP_SECRET",
  "MESSENGER_VERIFY_TOKEN",
  "MESSENGER_PAGE_TOKEN",
  "EMAIL_REPLY_SECRET",
];

export const DEMO_AGENTS = [
  { email: "admin@example.com", name: "Ada Admin", role: "admin", password: "demo-admin-password" },
  { email: "agent@example.com", name: "Alex Agent", role: "agent", password: "demo-agent-password" },
];

function ensureDevVars() {
  const file = ".dev.vars";
  const text = existsSync(file) ? readFileSync(file, "utf8") : "# Local secrets for wrangler dev. Not committed.\n";
  const missing = LOCAL_SECRETS.filter((name) => !new RegExp(`^${name}=`, "m").test(text));
  if (!existsSync(file)) writeFileSync(file, text);
  for (const name of missing) appendFileSync(file, `${name}=${randomBytes(32).toString("hex")}\n`);
  // Web Push (S39): a local VAPID key pair; production's comes from `wrangler secret put`.
  if (!/^VAPID_PUBLIC_KEY=/m.test(text)) {
    const ecdh = createECDH("prime256v1");
    ecdh.generateKeys();
    appendFileSync(
      file,
      `VAPID_PUBLIC_KEY=${ecdh.getPublicKey().toString("base64url")}\nVAPID_PRIVATE_KEY=${ecdh.getPrivateKey().toString("base64url")}\n`,
    );
  }
}

async function seedDemo() {
  // Upserts: the printed passwords work even if the local database already had these agents.
  const sql = (await Promise.all(DEMO_AGENTS.map((a) => agentSql({ ...a, update: true })))).join("\n");
  await wrangler(["d1", "execute", "DB", ...d1Target({ persistTo }), "--command", sql, "--yes"]);
}

await buildPublic();
ensureDevVars();
await wrangler(["d1", "migrations", "apply", "DB", ...d1Target({ persistTo })]);
await wrangler(["d1", "migrations", "apply", "SEARCH", ...d1Target({ persistTo })]);
await seedDemo();

const ip = process.env.IP || "localhost";
const url = `http://${ip}:${port}`;
const OVERRIDABLE_VARS = [
  "PRESENCE_GRACE_MS",
  "PRESENCE_STALE_MS",
  "PRESENCE_SWEEP_MS",
  "VISITOR_MESSAGES_PER_MINUTE",
  "VISITOR_MESSAGE_BURST",
  "AGENT_MESSAGES_PER_MINUTE",
  "AGENT_MESSAGE_BURST",
  "WIDGET_ORIGINS",
  "SESSION_IDLE_MINUTES",
  "MESSENGER_GRAPH_URL",
  "MESSENGER_HUMAN_AGENT",
  "MESSENGER_APP_SECRET",
];
// Production allows no other site to embed the widget until told; locally, any page on localhost may.
const localVars = { WIDGET_ORIGINS: "http://localhost:*,http://127.0.0.1:*", ...process.env };
const varArgs = OVERRIDABLE_VARS.filter((name) => localVars[name]).flatMap((name) => [
  "--var",
  `${name}:${localVars[name]}`,
]);

const server = spawn(
  process.execPath,
  [
    wranglerBin,
    "dev",
    ...(process.env.WORKER_ENTRY ? [process.env.WORKER_ENTRY] : []),
    ...(process.env.WRANGLER_CONFIG ? ["--config", process.env.WRANGLER_CONFIG] : []),
    "--port",
    port,
    "--ip",
    ip,
    "--persist-to",
    persistTo,
    "--show-interactive-dev-session=false",
    ...varArgs,
  ],
  { env: { ...wranglerEnv, ...(process.stdout.isTTY && { FORCE_COLOR: "1" }) }, stdio: ["inherit", "pipe", "pipe"] },
);
let signInShown = false;
let lastOutputAt = Date.now();
relay(server.stdout, process.stdout);
relay(server.stderr, process.stderr);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("close", (code) => process.exit(code ?? 0));

try {
  await waitForServer(url);
  try {
    await seedDemoConversations(url, persistTo, DEMO_AGENTS[0]);
  } catch (err) {
    console.error(`Could not create the demo conversations: ${err.message}`);
  }
  // Let wrangler's last log lines out first, so the sign-in stays the last thing on screen.
  while (Date.now() - lastOutputAt < 300) await sleep(50);
  signInShown = true;
  // One write: the end-to-end setup and the bench read the sign-in once they see "Ready on http".
  const agents = DEMO_AGENTS.map((a) => `  ${a.role.padEnd(5)}  ${a.email}  /  ${a.password}`);
  process.stdout.write(["", `Ready on ${url} — demo sign-in:`, ...agents, "", ""].join("\n"));
} catch (err) {
  console.error(err.message);
}

/**
 * Passes wrangler dev's output through, line by line, without the update notice (wrangler is pinned
 * to the version the vitest plugin needs: see README, Dependencies). Until the sign-in is shown it also
 * holds back wrangler's own "Ready on" and the log lines of our readiness probe and demo requests.
 */
function relay(stream, out) {
  let bannerWidth = 0;
  createInterface({ input: stream, crlfDelay: Infinity }).on("line", (line) => {
    lastOutputAt = Date.now();
    const text = stripVTControlCharacters(line);
    if (text.includes("(update available ")) {
      line = line.replace(/ \(update available .*?\)/, "");
      bannerWidth = stripVTControlCharacters(line).length;
    } else if (bannerWidth && /^─+$/.test(text)) {
      line = line.replace(/─+/, "─".repeat(bannerWidth));
      bannerWidth = 0;
    }
    const ours = /Ready on http|\] (GET|POST) \/api\/\S* 2\d\d |\] GET \/api\/auth\/me 401 /.test(text);
    if (!signInShown && ours) return;
    out.write(`${line}\n`);
  });
}
