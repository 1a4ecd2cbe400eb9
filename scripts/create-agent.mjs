#!/usr/bin/env node
// Creates (or, with --update, resets) an agent straight in D1. This is how the first admin of a
// deployed workspace is made:
//
//   npm run admin:create -- --remote --email you@example.com --name "Your Name"
//
// It prints a generated password unless --password is given. Without --remote it writes to the local
// database that `npm start` uses (--persist-to, default .wrangler/state).
import { parseArgs } from "node:util";
import { hashPassword, passwordSchema } from "../src/auth/password.ts";
import { normalizeEmail } from "../src/lib/email-address.ts";
import { d1Target, wrangler } from "./wrangler.mjs";

/** Builds the SQL that inserts the agent (or updates it, with `update`). Exported for `start.mjs`. */
export async function agentSql({ email, name, role, password, update = false }) {
  const normalized = normalizeEmail(email);
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(normalized)) throw new Error(`Not an email address: ${email}`);
  if (!["admin", "agent"].includes(role)) throw new Error(`Role must be admin or agent, not ${role}`);
  const checked = passwordSchema.safeParse(password);
  if (!checked.success) throw new Error(`Password: ${checked.error.issues[0].message}`);
  const q = (s) => `'${String(s).replace(/'/g, "''")}'`;
  const at = Date.now();
  const hash = await hashPassword(password);
  const conflict = update
    ? `ON CONFLICT (lower(email)) DO UPDATE SET name = excluded.name, role = excluded.role, password_hash = excluded.password_hash, active = 1, updated_at = excluded.updated_at`
    : "";
  return `INSERT INTO agents (id, email, name, role, password_hash, active, created_at, updated_at) VALUES (${q(
    crypto.randomUUID(),
  )}, ${q(normalized)}, ${q(name)}, ${q(role)}, ${q(hash)}, 1, ${at}, ${at}) ${conflict};`;
}

export async function createAgent({ remote = false, persistTo = ".wrangler/state", ...agent }) {
  const sql = await agentSql(agent);
  await wrangler(["d1", "execute", "DB", ...d1Target({ remote, persistTo }), "--command", sql, "--yes"]);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      email: { type: "string" },
      name: { type: "string" },
      role: { type: "string", default: "admin" },
      password: { type: "string" },
      remote: { type: "boolean", default: false },
      update: { type: "boolean", default: false },
      "persist-to": { type: "string", default: ".wrangler/state" },
    },
  });
  if (!values.email || !values.name) {
    console.error(
      'Usage: npm run admin:create -- [--remote] --email you@example.com --name "Your Name" [--role admin|agent] [--password …] [--update]',
    );
    process.exit(2);
  }
  const password =
    values.password ??
    crypto.getRandomValues(new Uint8Array(12)).reduce((s, b) => s + b.toString(16).padStart(2, "0"), "");
  try {
    await createAgent({ ...values, persistTo: values["persist-to"], password });
  } catch (err) {
    console.error(String(err.message ?? err));
    process.exit(1);
  }
  console.log(
    `Agent ${values.email} (${values.role}) ${values.update ? "saved" : "created"}${values.remote ? " in the deployed database" : ""}.`,
  );
  if (!values.password) console.log(`Password: ${password}  (change it after signing in)`);
}
