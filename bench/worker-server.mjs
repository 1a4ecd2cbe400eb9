// Starts the product the way `npm start` does (build, migrations, demo admin, wrangler dev) on a free
// port with a throw-away state folder, and stops it with its whole process group.
import { spawn } from "node:child_process";
import { freePort, stopGroup } from "../test/support/processes.ts";

/** Resolves with `{ url, stop }` once wrangler dev says "Ready on". */
export async function startWorker({ persistTo, env = {}, timeoutMs = 180_000 }) {
  const port = await freePort();
  const child = spawn(process.execPath, ["scripts/start.mjs"], {
    env: { ...process.env, PORT: String(port), PERSIST_TO: persistTo, IP: "127.0.0.1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`wrangler dev not ready after ${timeoutMs} ms:\n${output}`)), timeoutMs);
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
      reject(new Error(`npm start exited with ${code}:\n${output}`));
    });
  });
  const stop = () => stopGroup(child);
  return { url: `http://127.0.0.1:${port}`, pid: child.pid, stop, output: () => output };
}


/** Starts bench/baseline-server.mjs in its own process; resolves with `{ url, stop }`. */
export async function startBaselineProcess() {
  const child = spawn(process.execPath, ["bench/baseline-server.mjs", "0"], { stdio: ["ignore", "pipe", "inherit"], detached: true });
  const port = await new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const m = /listening (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once("exit", (code) => reject(new Error(`baseline server exited with ${code}`)));
  });
  return { url: `ws://127.0.0.1:${port}`, pid: child.pid, stop: () => stopGroup(child) };
}
