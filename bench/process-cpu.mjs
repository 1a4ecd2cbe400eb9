// CPU time of a process and its descendants, from /proc (Linux; elsewhere every figure is null).
// The profile behind the chat figures: workerd runs every isolate of a local worker on one thread, so
// how busy that one process is explains the latency better than any absolute time.
import { readdirSync, readFileSync } from "node:fs";

const TICKS_PER_S = 100; // USER_HZ on Linux

function readStat(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const name = /\((.*)\)/s.exec(stat)?.[1] ?? "?";
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { pid: Number(pid), name, ppid: Number(f[1]), cpuS: (Number(f[11]) + Number(f[12])) / TICKS_PER_S };
  } catch {
    return null;
  }
}

/** `{ pid: { name, cpuS } }` for `rootPid` and every descendant, or null where /proc is missing. */
export function cpuSnapshot(rootPid) {
  let pids;
  try {
    pids = readdirSync("/proc").filter((d) => /^\d+$/.test(d));
  } catch {
    return null;
  }
  const all = pids.map(readStat).filter(Boolean);
  const children = new Map();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const out = {};
  const walk = (pid) => {
    for (const c of children.get(pid) ?? []) {
      out[c.pid] = { name: c.name, cpuS: c.cpuS };
      walk(c.pid);
    }
  };
  const root = all.find((p) => p.pid === Number(rootPid));
  if (root) out[root.pid] = { name: root.name, cpuS: root.cpuS };
  walk(Number(rootPid));
  return out;
}

/**
 * CPU spent between two snapshots: the whole tree's seconds, and the busiest process's name and
 * share of one core over `wallS`.
 */
export function cpuBetween(before, after, wallS) {
  if (!before || !after) return null;
  let totalS = 0;
  let busiest = { name: null, cpuS: 0 };
  for (const [pid, a] of Object.entries(after)) {
    const used = a.cpuS - (before[pid]?.cpuS ?? 0);
    totalS += used;
    if (used > busiest.cpuS) busiest = { name: a.name, cpuS: used };
  }
  return { totalS, busiest: busiest.name, busiestShare: wallS > 0 ? busiest.cpuS / wallS : 0 };
}
