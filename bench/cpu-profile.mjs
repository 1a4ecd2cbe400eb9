// `npm run bench -- --profile`: a CPU profile of the worker's isolate (the worker and every Durable
// Object; workerd runs them in one isolate) through wrangler dev's inspector, summarised by source
// module. What the isolate does not spend itself (waiting on the D1 and R2 simulators, which run on the
// same workerd thread) shows as idle. The profiler slows the server: take figures from a run without it.
import WebSocket from "ws";

/** Starts the profiler; `stop()` resolves with the V8 profile. Null if no inspector answers. */
export async function startProfile({ inspector = "http://127.0.0.1:9229", intervalUs = 500 } = {}) {
  let targets;
  try {
    targets = await (await fetch(`${inspector}/json`)).json();
  } catch {
    return null;
  }
  const ws = new WebSocket(targets[0].webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  let id = 0;
  const pending = new Map();
  ws.on("message", (data) => {
    const m = JSON.parse(String(data));
    pending.get(m.id)?.(m);
    pending.delete(m.id);
  });
  const call = (method, params = {}) =>
    new Promise((resolve) => {
      pending.set(++id, resolve);
      ws.send(JSON.stringify({ id, method, params }));
    });
  await call("Profiler.enable");
  await call("Profiler.setSamplingInterval", { interval: intervalUs });
  await call("Profiler.start");
  return {
    async stop() {
      const { result } = await call("Profiler.stop");
      ws.close();
      return result.profile;
    },
  };
}

// esbuild names each module in the bundle relative to its output folder, which is outside the project
// (bench-config.mjs): `../../../work/main/src/app.ts`. From the project root:
const ROOT = `${process.cwd().replace(/^\//, "")}/`;
const projectPath = (path) => (path.includes(ROOT) ? path.slice(path.indexOf(ROOT) + ROOT.length) : path);

/** `src/conversation/room.ts` → `src/conversation`; `node_modules/drizzle-orm/d1/x.js` → `drizzle-orm`. */
function moduleGroup(path) {
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  return nm ? nm[1] : path.split("/").slice(0, 3).join("/").replace(/\.ts$/, "");
}

/**
 * Time by where it was spent: our modules and libraries (JS), runtime calls made from them (SQLite's
 * `exec`, a socket's `send`…) as `native <name> ← <module>`, and the isolate's idle / GC / program time.
 */
export function summariseProfile(profile, bundleText) {
  const marks = [];
  (bundleText ?? "").split("\n").forEach((line, i) => {
    const path = /^\/\/ (\S+)$/.exec(line)?.[1];
    if (path && /^(src|bench|node_modules)\//.test(projectPath(path))) marks.push([i, moduleGroup(projectPath(path))]);
  });
  const moduleAt = (line) => {
    let found = "(bundle)";
    for (const [i, name] of marks) {
      if (i > line) break;
      found = name;
    }
    return found;
  };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n);
  const self = new Map();
  // Every sample weighs the median interval: on a busy machine the thread is descheduled between some
  // samples, and that wall-clock gap is not time the code at the next sample spent.
  const unitUs = [...profile.timeDeltas].sort((a, b) => a - b)[Math.floor(profile.timeDeltas.length / 2)] ?? 0;
  for (const id of profile.samples) self.set(id, (self.get(id) ?? 0) + unitUs);
  const bundleUrl = profile.nodes.find(
    (n) => /\.js$/.test(n.callFrame.url) && !n.callFrame.url.startsWith("cloudflare"),
  )?.callFrame.url;
  const totals = new Map();
  let allUs = 0;
  for (const [id, us] of self) {
    allUs += us;
    const node = byId.get(id);
    const { functionName, url, lineNumber } = node.callFrame;
    let key;
    if (url === bundleUrl) key = moduleAt(lineNumber);
    else if (!url && /^\((idle|program|garbage collector|root)\)$/.test(functionName)) key = functionName;
    else {
      let caller = parent.get(id);
      while (caller && caller.callFrame.url !== bundleUrl) caller = parent.get(caller.id);
      key = `native ${functionName || url || "?"} ← ${caller ? moduleAt(caller.callFrame.lineNumber) : "runtime"}`;
    }
    totals.set(key, (totals.get(key) ?? 0) + us);
  }
  const idleUs = totals.get("(idle)") ?? 0;
  return {
    sampledMs: allUs / 1000,
    idleMs: idleUs / 1000,
    top: [...totals]
      .filter(([k]) => k !== "(idle)")
      .sort((a, b) => b[1] - a[1])
      .slice(0, 15)
      .map(([where, us]) => ({ where, ms: Math.round(us / 1000), shareOfBusy: us / Math.max(1, allUs - idleUs) })),
  };
}

/** One line for the notes: `label: busy X of Y ms; a 30 %, b 12 %, …`. */
export function profileNote(label, summary) {
  const parts = summary.top.slice(0, 10).map((t) => `${t.where} ${(t.shareOfBusy * 100).toFixed(0)} %`);
  return `profile ${label}: isolate busy ${Math.round(summary.sampledMs - summary.idleMs)} of ${Math.round(summary.sampledMs)} ms sampled; ${parts.join(", ")}`;
}
