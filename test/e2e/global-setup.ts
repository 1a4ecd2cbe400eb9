import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import "../support/corpus-context";
import { startGraphStub } from "../support/graph-stub";
import { freePort, stopGroup } from "../support/processes";

export interface DemoAgent {
  role: string;
  email: string;
  password: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    demoAgents: DemoAgent[];
    /** The demo admin's session, signed in once for every file (sign-ins are limited to 5 a minute per account). */
    adminCookie: string;
    /** The app secret the end-to-end server checks Messenger webhook signatures with. */
    messengerAppSecret: string;
  }
}

/** Presence timings for the end-to-end server: short, so presence tests take seconds, not minutes. */
export const E2E_PRESENCE = { graceMs: 1500, staleMs: 1500, sweepMs: 500 };

/**
 * Sites the end-to-end server lets embed the widget: the made-up shop the API tests send as Origin, and
 * any port of http://localhost, where the browser tests serve their host pages. Pages on
 * http://127.0.0.1:<other port> are a different origin, not on the list.
 */
export const E2E_WIDGET_ORIGINS = "https://shop.example,http://localhost:*";

/**
 * Starts the server exactly as `npm start` does (build, migrations, demo data, wrangler dev) on a
 * free port with a throw-away state folder, and stops it — with its whole process group — afterwards.
 */
export default async function setup(project: TestProject) {
  const port = await freePort();
  const graph = await startGraphStub();
  const messengerAppSecret = "e2e-messenger-app-secret";
  const persistTo = mkdtempSync(join(tmpdir(), "inbox-e2e-"));
  const child = spawn(process.execPath, ["scripts/start.mjs"], {
    env: {
      ...process.env,
      PORT: String(port),
      PERSIST_TO: persistTo,
      IP: "127.0.0.1",
      PRESENCE_GRACE_MS: String(E2E_PRESENCE.graceMs),
      PRESENCE_STALE_MS: String(E2E_PRESENCE.staleMs),
      PRESENCE_SWEEP_MS: String(E2E_PRESENCE.sweepMs),
      WIDGET_ORIGINS: E2E_WIDGET_ORIGINS,
      MESSENGER_GRAPH_URL: graph.url,
      MESSENGER_APP_SECRET: messengerAppSecret,
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  try {
    // E2E_SERVER_LOG=<file> keeps the server's output (its console.log lines) for debugging.
    if (process.env.E2E_SERVER_LOG) {
      const log = createWriteStream(process.env.E2E_SERVER_LOG);
      child.stdout!.pipe(log);
      child.stderr!.pipe(log);
    }
    const output = await waitForReady(child, 120_000);
    project.provide("baseUrl", `http://127.0.0.1:${port}`);
    const demoAgents = parseDemoAgents(output);
    project.provide("demoAgents", demoAgents);
    project.provide("graphStubUrl", graph.url);
    project.provide("messengerAppSecret", messengerAppSecret);
    project.provide(
      "adminCookie",
      await signInOnce(`http://127.0.0.1:${port}`, demoAgents.find((a) => a.role === "admin")!),
    );
  } catch (err) {
    await stopGroup(child);
    graph.server.close();
    throw err;
  }
  return async () => {
    await stopGroup(child);
    graph.server.close();
    rmSync(persistTo, { recursive: true, force: true });
  };
}

function waitForReady(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`server not ready after ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/Ready on http/.test(output)) {
        clearTimeout(timer);
        resolve(output);
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited with ${code} before it was ready:\n${output}`));
    });
  });
}

/** The lines `npm start` prints: "  admin  admin@example.com  /  password". */
function parseDemoAgents(output: string): DemoAgent[] {
  const agents = [...output.matchAll(/^\s+(admin|agent)\s+(\S+@\S+)\s+\/\s+(\S+)\s*$/gm)].map((m) => ({
    role: m[1]!,
    email: m[2]!,
    password: m[3]!,
  }));
  if (agents.length === 0) throw new Error(`npm start printed no demo sign-in:\n${output}`);
  return agents;
}

async function signInOnce(baseUrl: string, admin: DemoAgent): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/sign-in`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: baseUrl, "cf-connecting-ip": "10.254.0.1" },
    body: JSON.stringify({ email: admin.email, password: admin.password }),
  });
  if (res.status !== 200) throw new Error(`demo admin sign-in failed: ${res.status} ${await res.text()}`);
  return res.headers.get("set-cookie")!.split(";")[0]!;
}
