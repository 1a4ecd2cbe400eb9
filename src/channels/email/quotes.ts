/**
 * S22: fold the quoted history and signature out of a reply's text.
 *
 * Line based and linear. The reply is cut at the first of:
 * - an attribution ("On … wrote:", "Am … schrieb …:", "Le … a écrit :", Gmail without a verb…),
 *   possibly wrapped over three lines — unless `>` quotes follow it and the writer answers between
 *   them (inline replies are kept whole);
 * - "-----Original Message-----" and its translations, or an Outlook header block (From:/Sent:/To:/
 *   Subject: in many languages, `*From:*` too) with the separator line drawn above it;
 * - a signature delimiter (`-- `, `--`, `__…`, `——…`) or a mobile signature ("Sent from my iPhone"…);
 * then a trailing run of `>` lines is folded too, and drawn lines after the last words. A text that
 * starts with a quote answered below it (bottom posting) has that leading quote folded. A forward
 * marker ("---------- Forwarded message") before any history, or after a signature, turns folding
 * off: forwarded content is never folded (one deep inside quoted history folds with it). If folding
 * would leave no reply, nothing is folded: the reply's first line is never lost.
 */
import {
  FORWARD_MARKER,
  FROM_HEADER,
  isAttribution,
  isMobileSignature,
  MAX_HEADER_LINE,
  ORIGINAL_MARKER,
  OTHER_HEADER,
  QUOTED,
  RULE_ONLY,
  SEPARATOR,
  SIGNATURE_DELIMITER,
} from "./patterns";

const blank = (l: string) => l.trim() === "";
/** No letters or digits: a drawn line, or nothing. */
const junk = (l: string) => l.length < 400 && RULE_ONLY.test(l);
const quoted = (l: string) => QUOTED.test(l);
const CLOSING = /^[ \t]*>[ \t]*[:：][ \t]*$/;

/** Lines an attribution at `i` spans (1–3), or 0. Wrapped attributions: "…, Name" / "<addr>" / "wrote:". */
function attributionAt(lines: string[], i: number): number {
  const first = lines[i]!;
  if (blank(first) || quoted(first) || first.length > MAX_HEADER_LINE) return 0;
  if (isAttribution(first)) return 1;
  // Only a line that could open an attribution (a date in it, no sentence end) may continue onto the next.
  if (!/\d/.test(first) || /[.!?]\s*$/.test(first)) return 0;
  let joined = first.trim();
  for (let k = 1; k <= 2 && i + k < lines.length; k++) {
    const next = lines[i + k]!;
    // ">:" closes an address wrapped inside its angle brackets (Gmail); other quoted lines end the search.
    if (blank(next) || (quoted(next) && !CLOSING.test(next)) || next.length > 200) return 0;
    joined += ` ${next.trim()}`;
    if (isAttribution(joined)) return k + 1;
  }
  return 0;
}

/** Whether `lines[i]` starts an Outlook-style header block: a From line and two more header lines below. */
function headerBlockAt(lines: string[], i: number): boolean {
  const line = lines[i]!;
  if (line.length > MAX_HEADER_LINE || !FROM_HEADER.test(line)) return false;
  let keys = 0;
  let other = 0;
  for (let k = i + 1; k < Math.min(lines.length, i + 8); k++) {
    const l = lines[k]!;
    if (blank(l)) break;
    if (l.length <= MAX_HEADER_LINE && OTHER_HEADER.test(l)) keys++;
    else if (++other > 2) break;
    if (keys >= 2) return true;
  }
  return false;
}

/** The start of the block above an Outlook header block: the separator or "Original Message" line, if any. */
function blockStart(lines: string[], i: number): number {
  let k = i - 1;
  while (k >= 0 && blank(lines[k]!) && i - k <= 2) k--;
  return k >= 0 && (SEPARATOR.test(lines[k]!) || ORIGINAL_MARKER.test(lines[k]!)) ? k : i;
}

type Cut = { at: number; kind: "signature" | "history" };

/** Cuts that end the reply outright: a signature, the original message, a header block. */
function hardCut(lines: string[], i: number): Cut | null {
  const line = lines[i]!;
  if (quoted(line)) return null;
  if (SIGNATURE_DELIMITER.test(line) || isMobileSignature(line)) return { at: i, kind: "signature" };
  if (line.length <= MAX_HEADER_LINE && ORIGINAL_MARKER.test(line)) return { at: i, kind: "history" };
  if (headerBlockAt(lines, i)) return { at: blockStart(lines, i), kind: "history" };
  return null;
}

/** After an attribution: quotes with the writer's own lines between or after them mean an inline reply. */
function answeredInline(lines: string[], from: number): boolean {
  let j = from;
  while (j < lines.length && blank(lines[j]!)) j++;
  if (j >= lines.length || !quoted(lines[j]!)) return false;
  for (; j < lines.length; j++) {
    const l = lines[j]!;
    if (quoted(l) || blank(l)) continue;
    if (hardCut(lines, j) || attributionAt(lines, j)) return false;
    if (!junk(l)) return true;
  }
  return false;
}

function firstCut(lines: string[]): Cut | null {
  for (let i = 0; i < lines.length; i++) {
    const hard = hardCut(lines, i);
    if (hard) return hard;
    const span = attributionAt(lines, i);
    if (span && !answeredInline(lines, i + span)) return { at: i, kind: "history" };
    if (span) i += span - 1;
  }
  return null;
}

/** The start of a trailing run of `>` lines before `end` (blank and drawn lines allowed), with the line introducing it; else `end`. */
function trailingQuote(lines: string[], end: number): number {
  let k = end;
  while (k > 0 && (blank(lines[k - 1]!) || junk(lines[k - 1]!))) k--;
  let start = k;
  while (start > 0 && (quoted(lines[start - 1]!) || blank(lines[start - 1]!))) start--;
  while (start < k && blank(lines[start]!)) start++;
  if (start >= k) return end;
  let intro = start - 1;
  while (intro >= 0 && blank(lines[intro]!)) intro--;
  const introLine = intro >= 0 ? lines[intro]!.trim() : "";
  if (introLine.endsWith(":") && introLine.length < MAX_HEADER_LINE && /[@\d]|wrote|schrieb|écrit/i.test(introLine))
    return intro;
  return start;
}

/** Where the folded part starts, or `lines.length`. A forward before the history (or after a signature) is never folded. */
function findCut(lines: string[]): number {
  const cut = firstCut(lines);
  const forward = lines.findIndex((l) => l.length <= MAX_HEADER_LINE && FORWARD_MARKER.test(l));
  if (forward >= 0 && (!cut || forward < cut.at || cut.kind === "signature")) return lines.length;
  return trailingQuote(lines, cut ? cut.at : lines.length);
}

/** Bottom posting: the text opens with (an attribution and) a quote, answered below with no further quotes. */
function leadingQuote(lines: string[]): number {
  let i = 0;
  while (i < lines.length && blank(lines[i]!)) i++;
  const span = i < lines.length ? attributionAt(lines, i) : 0;
  let j = i + span;
  while (j < lines.length && blank(lines[j]!)) j++;
  if (j >= lines.length || !quoted(lines[j]!)) return 0;
  while (j < lines.length && (quoted(lines[j]!) || blank(lines[j]!))) j++;
  return lines.slice(j).some(quoted) || !lines.slice(j).some((l) => !blank(l) && !junk(l)) ? 0 : j;
}

function trimLines(lines: string[]): string {
  let a = 0;
  let b = lines.length;
  while (a < b && blank(lines[a]!)) a++;
  while (b > a && blank(lines[b - 1]!)) b--;
  return lines
    .slice(a, b)
    .map((l) => l.replace(/[ \t]+$/, ""))
    .join("\n");
}

/**
 * Splits a reply's text into the new part and the folded history/signature.
 *
 * @example
 * foldQuotes("Thanks!\n\nOn Mon, 1 Jan 2024 at 10:00, Ana <ana@example.com> wrote:\n> Hi")
 * // { reply: "Thanks!", quoted: "On Mon, 1 Jan 2024 at 10:00, Ana <ana@example.com> wrote:\n> Hi" }
 */
export function foldQuotes(text: string): { reply: string; quoted: string | null } {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const cut = findCut(lines);
  const head = cut < lines.length ? lines.slice(0, cut) : lines;
  const lead = leadingQuote(head);
  let last = head.length - 1;
  while (last >= lead && (blank(head[last]!) || junk(head[last]!))) last--;
  if (last < lead) return { reply: trimLines(lines), quoted: null };
  // Drawn lines after the last words ("--", "ᐧ", "____") are folded too, not dropped.
  const parts = [
    trimLines(head.slice(0, lead)),
    trimLines(head.slice(last + 1)),
    cut < lines.length ? trimLines(lines.slice(cut)) : "",
  ].filter(Boolean);
  return { reply: trimLines(head.slice(lead, last + 1)), quoted: parts.length ? parts.join("\n\n") : null };
}
