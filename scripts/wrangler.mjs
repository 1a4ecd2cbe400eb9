// Runs the project's own wrangler on the Node that runs this script (npm puts Node 22 first on PATH).
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
// wrangler's package exports do not include its bin script; find it next to package.json.
export const wranglerBin = join(dirname(require.resolve("wrangler/package.json")), "bin", "wrangler.js");
// The worker reads nothing from `request.cf`, so wrangler dev need not fetch a real one from
// workers.cloudflare.com: offline, that fetch fails with a warning and a stack trace at every start.
export const wranglerEnv = { CLOUDFLARE_CF_FETCH_ENABLED: "false", ...process.env, WRANGLER_SEND_METRICS: "false" };

/** Runs `wrangler <args>` to completion; resolves with its stdout, rejects with its output on failure. */
export function wrangler(args, { quiet = true } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [wranglerBin, ...args], {
      env: wranglerEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => {
      out += d;
      if (!quiet) process.stdout.write(d);
    });
    child.stderr.on("data", (d) => {
      err += d;
      if (!quiet) process.stderr.write(d);
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve(out);
      else reject(new Error(`wrangler ${args.join(" ")} exited with ${code}\n${out}\n${err}`));
    });
  });
}

/** `--local --persist-to X` or `--remote`, for d1 commands. */
export function d1Target({ remote = false, persistTo }) {
  return remote ? ["--remote"] : ["--local", "--persist-to", persistTo];
}
