// Starts the product the way `npm start` does (build, migrations, demo admin, wrangler dev) on a free
// port with a throw-away state folder, and stops it with its whole process group.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { wranglerBin, wranglerEnv } from "../scripts/wrangler.mjs";
import { freePort, stopGroup } from "../test/support/processes.ts";
import { writeBenchConfig, writeFloorConfig } from "./bench-config.mjs";

/** Resolves once the child printed "Ready on http"; rejects if it exits first or takes too long. */
function ready(child, timeoutMs) {
  let output = "";
  const done = new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`wrangler dev not ready after ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const onData = (chunk) => {
      output += chunk;
      if (/Ready on http/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`wrangler dev exited with ${code}:\n${output}`));
    });
  });
  return { done, output: () => output };
}

/**
 * The bench's server: `npm start` with the config bench-config.mjs generates in `persistTo` (the worker
 * through bench/email-ingest-entry.ts, bundled once, plus the floor room). Resolves with
 * `{ url, pid, stop, bundle, inspector }` (`bundle`: the worker's code as wrangler dev runs it).
 */
export async function startWorker({ persistTo, env = {}, timeoutMs = 180_000 }) {
  const port = await freePort();
  const inspectorPort = await freePort();
  const { config, bundle } = await writeBenchConfig(join(persistTo, "wrangler-config"), { inspectorPort });
  const child = spawn(process.execPath, ["scripts/start.mjs"], {
    env: {
      ...process.env,
      PORT: String(port),
      PERSIST_TO: persistTo,
      IP: "127.0.0.1",
      WRANGLER_CONFIG: config,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const started = ready(child, timeoutMs);
  await started.done;
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid,
    stop: () => stopGroup(child),
    output: started.output,
    bundle,
    inspector: `http://127.0.0.1:${inspectorPort}`,
  };
}

/** The floor room alone in its own wrangler dev (state and config in `dir`), for its test. */
export async function startFloorServer({ dir, timeoutMs = 120_000 }) {
  const port = await freePort();
  const config = writeFloorConfig(join(dir, "config"));
  const args = [
    "dev",
    "--config",
    config,
    "--port",
    String(port),
    "--ip",
    "127.0.0.1",
    "--persist-to",
    join(dir, "state"),
    "--show-interactive-dev-session=false",
  ];
  const child = spawn(process.execPath, [wranglerBin, ...args], {
    env: wranglerEnv,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const started = ready(child, timeoutMs);
  await started.done;
  return { url: `http://127.0.0.1:${port}`, pid: child.pid, stop: () => stopGroup(child), output: started.output };
}

/** Starts bench/baseline-server.mjs in its own process; resolves with `{ url, stop }` (url: http://). */
export async function startBaselineProcess() {
  const child = spawn(process.execPath, ["bench/baseline-server.mjs", "0"], {
    stdio: ["ignore", "pipe", "inherit"],
    detached: true,
  });
  const port = await new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const m = /listening (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once("exit", (code) => reject(new Error(`baseline server exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}`, pid: child.pid, stop: () => stopGroup(child) };
}
