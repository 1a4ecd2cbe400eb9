// The bench's output: a Markdown table of every figure with its budget, and bench/results/latest.json.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** Budgets from the issue: a figure and the test it must pass. */
export const BUDGETS = {
  "widget.loader_gzip_bytes": { text: "≤ 5 KB", ok: (v) => v <= 5 * 1024 },
  "widget.total_gzip_bytes": { text: "≤ 25 KB", ok: (v) => v <= 25 * 1024 },
  "inbox.app_gzip_bytes": { text: "≤ 60 KB", ok: (v) => v <= 60 * 1024 },
  // Ours over the same-runtime Durable Object floor (chat.floor_do_p99_ms), at the full bench's load.
  "chat.ratio_p99": { text: "≤ 1.5 × DO floor (at 500 conversations)", ok: (v) => v <= 1.5 },
  "chat.lost": { text: "= 0", ok: (v) => v === 0 },
  "chat.duplicated": { text: "= 0", ok: (v) => v === 0 },
  "list.rows_read_first_page": { text: "≤ 100", ok: (v) => v <= 100 },
  "list.rows_read_counts": { text: "constant (≤ 20, whatever the backlog)", ok: (v) => v <= 20 },
  "list.rows_read_unassigned_page": { text: "≤ 100 (2 × page)", ok: (v) => v <= 100 },
  "list.rows_read_mine_page": { text: "≤ 100 (2 × page)", ok: (v) => v <= 100 },
  "list.rows_read_snoozed_page": { text: "≤ 100 (2 × page)", ok: (v) => v <= 100 },
  "list.rows_read_label_page": { text: "≤ 100 (2 × page)", ok: (v) => v <= 100 },
  "email.msgs_per_s": { text: "≥ 200", ok: (v) => v >= 200 },
  "cost.usd_per_month": { text: "≤ $1", ok: (v) => v <= 1 },
  // S37: what a typing agent costs each other viewer ("about one frame a second").
  "collision.frames_per_viewer_per_s": { text: "≤ 1.5", ok: (v) => v <= 1.5 },
  // S41, over 1,000,000 messages in 100,000 conversations (the full bench).
  ...Object.fromEntries(
    ["common", "rare", "phrase", "prefix", "filtered", "relevance"].map((k) => [
      `search.${k}_p99_ms`,
      { text: "≤ 50 ms", ok: (v) => v <= 50 },
    ]),
  ),
};

function format(value) {
  if (typeof value !== "number") return String(value);
  if (Number.isInteger(value)) return value.toLocaleString("en-US");
  return value.toLocaleString("en-US", { maximumFractionDigits: Math.abs(value) < 10 ? 3 : 1 });
}

/** `| name | value | budget |` rows in the order the figures were recorded. */
export function markdownTable(figures) {
  const lines = ["| figure | value | budget |", "|---|---:|---|"];
  for (const [name, value] of Object.entries(figures)) {
    const budget = BUDGETS[name];
    const verdict = budget
      ? `${budget.text} ${Number.isFinite(value) && budget.ok(value) ? "✅ met" : "❌ missed"}`
      : "";
    lines.push(`| \`${name}\` | ${format(value)} | ${verdict} |`);
  }
  return lines.join("\n");
}

/** Which budgets are met, by name. */
export function budgetVerdicts(figures) {
  return Object.fromEntries(
    Object.entries(BUDGETS)
      .filter(([n]) => n in figures)
      .map(([n, b]) => [n, Number.isFinite(figures[n]) && b.ok(figures[n])]),
  );
}

/** Writes the results file: the figures (flat, by name), the budgets' verdicts, the machine and notes. */
export function writeResults(file, { figures, machine, mode, notes = [] }) {
  mkdirSync(dirname(file), { recursive: true });
  const doc = { mode, ranAt: new Date().toISOString(), machine, figures, budgets: budgetVerdicts(figures), notes };
  writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
  return doc;
}
