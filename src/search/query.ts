import { hasWordCharacters, indexable } from "./text";

/**
 * The search box's small query language (S41), parsed here and never handed raw to FTS5:
 *
 *   invoice "cord is missing" canar* -refund from:ana@example.com in:email is:open
 *   assignee:me|none|<name> label:<name> after:2026-10-01 before:2026-11-01
 *
 * Words (all must match), "phrases", prefix*, -excluded words or phrases; operator values may be quoted
 * (label:"needs review"). Dates are UTC days: after: from that day on, before: up to that day.
 *
 * @example
 * parseQuery('canarias -envío in:chat') // { ok: true, query: { terms: [canarias, -envío], in: ["chat"], … } }
 * parseQuery('in:fax')                 // { ok: false, message: 'in: takes chat, email, messenger or note, not "fax"' }
 */
export const MAX_QUERY_CHARS = 500;
const MAX_TERMS = 20;
const MIN_PREFIX_CHARS = 2;

export const PLACES = ["chat", "email", "messenger", "note"] as const;
export const STATES = ["open", "complete", "snoozed"] as const;
export type Place = (typeof PLACES)[number];
export type State = (typeof STATES)[number];

export interface Term {
  kind: "word" | "phrase" | "prefix";
  text: string;
  negated: boolean;
}

export type AssigneeFilter = { kind: "me" } | { kind: "none" } | { kind: "name"; name: string };

export interface ParsedQuery {
  terms: Term[];
  /** Each must match the author (name or address). */
  from: string[];
  /** Any of these (empty: all). */
  in: Place[];
  is: State[];
  assignee: AssigneeFilter[];
  /** Every one of these label names. */
  labels: string[];
  /** Epoch ms bounds: created at or after `after`, before `before`. */
  after: number | null;
  before: number | null;
}

export type ParseResult = { ok: true; query: ParsedQuery } | { ok: false; message: string };

const OPERATORS = ["from", "in", "is", "assignee", "label", "before", "after"] as const;
type Operator = (typeof OPERATORS)[number];

interface Token {
  negated: boolean;
  operator: Operator | null;
  value: string;
  quoted: boolean;
}

class QueryError extends Error {}

/** Splits the query into tokens: [-][operator:](word | "quoted words"), separated by spaces. */
function tokenize(q: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < q.length) {
    if (/\s/.test(q[i]!)) {
      i++;
      continue;
    }
    let negated = false;
    if (q[i] === "-" && i + 1 < q.length && !/\s/.test(q[i + 1]!)) {
      negated = true;
      i++;
    }
    let operator: Operator | null = null;
    const op = /^([a-z]+):/i.exec(q.slice(i));
    if (op && (OPERATORS as readonly string[]).includes(op[1]!.toLowerCase())) {
      operator = op[1]!.toLowerCase() as Operator;
      i += op[0].length;
    }
    if (q[i] === '"') {
      const end = q.indexOf('"', i + 1);
      if (end === -1) throw new QueryError(`A quote opened at character ${i + 1} is never closed`);
      const rest = q.slice(end + 1);
      tokens.push({ negated, operator, value: q.slice(i + 1, end) + (rest.startsWith("*") ? "*" : ""), quoted: true });
      i = end + (rest.startsWith("*") ? 2 : 1);
      continue;
    }
    let end = i;
    while (end < q.length && !/\s/.test(q[end]!)) end++;
    tokens.push({ negated, operator, value: q.slice(i, end), quoted: false });
    i = end;
  }
  return tokens;
}

/** A UTC day, YYYY-MM-DD, as epoch ms at its start. */
function day(op: string, value: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const at = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN;
  if (!m || Number.isNaN(at) || new Date(at).getUTCDate() !== Number(m[3]))
    throw new QueryError(`${op}: takes a date as YYYY-MM-DD, not "${value}"`);
  return at;
}

function oneOf<T extends string>(op: string, value: string, allowed: readonly T[]): T {
  const v = value.toLowerCase();
  if (!(allowed as readonly string[]).includes(v))
    throw new QueryError(`${op}: takes ${allowed.slice(0, -1).join(", ")} or ${allowed.at(-1)}, not "${value}"`);
  return v as T;
}

function term(t: Token): Term | null {
  const isPrefix = t.value.endsWith("*");
  const text = t.value.replace(/\*+$/, "");
  if (!hasWordCharacters(text)) {
    if (t.quoted || t.negated) throw new QueryError(`"${t.value}" has no letters or digits to search for`);
    return null; // a lone "-" or "&" between words
  }
  if (isPrefix) {
    const letters = text.match(/[\p{L}\p{N}]/gu)?.length ?? 0;
    if (letters < MIN_PREFIX_CHARS)
      throw new QueryError(`A prefix needs at least ${MIN_PREFIX_CHARS} letters before the *: "${t.value}"`);
    // CJK is searched character by character: its prefix is its phrase.
    if (indexable(text) === text) return { kind: "prefix", text, negated: t.negated };
  }
  return { kind: t.quoted || /\s/.test(text) ? "phrase" : "word", text, negated: t.negated };
}

export function parseQuery(q: string): ParseResult {
  const query: ParsedQuery = {
    terms: [],
    from: [],
    in: [],
    is: [],
    assignee: [],
    labels: [],
    after: null,
    before: null,
  };
  try {
    if (q.length > MAX_QUERY_CHARS) throw new QueryError(`A search is at most ${MAX_QUERY_CHARS} characters`);
    for (const t of tokenize(q)) {
      if (t.operator === null) {
        const parsed = term(t);
        if (parsed) query.terms.push(parsed);
        continue;
      }
      if (t.negated) throw new QueryError(`Only words and phrases can be excluded with -, not ${t.operator}:`);
      const value = t.value.trim();
      if (!value) throw new QueryError(`${t.operator}: needs a value, e.g. ${t.operator}:${EXAMPLES[t.operator]}`);
      switch (t.operator) {
        case "from":
          if (!hasWordCharacters(value)) throw new QueryError(`from: needs a name or an address, not "${value}"`);
          query.from.push(value);
          break;
        case "in":
          query.in.push(oneOf("in", value, PLACES));
          break;
        case "is":
          query.is.push(oneOf("is", value, STATES));
          break;
        case "assignee": {
          const v = value.toLowerCase();
          query.assignee.push(v === "me" || v === "none" ? { kind: v } : { kind: "name", name: value });
          break;
        }
        case "label":
          query.labels.push(value);
          break;
        case "after":
          query.after = Math.max(query.after ?? 0, day("after", value));
          break;
        case "before":
          query.before = Math.min(query.before ?? Number.MAX_SAFE_INTEGER, day("before", value));
          break;
      }
    }
    if (query.terms.length + query.from.length > MAX_TERMS)
      throw new QueryError(`A search has at most ${MAX_TERMS} words, phrases and from:`);
    if (!query.terms.some((t) => !t.negated) && query.from.length === 0)
      throw new QueryError("Search for at least one word, phrase or from: (the filters alone are the list's views)");
    if (query.after !== null && query.before !== null && query.after >= query.before)
      throw new QueryError("after: must be an earlier day than before:");
  } catch (err) {
    if (err instanceof QueryError) return { ok: false, message: err.message };
    throw err;
  }
  return { ok: true, query };
}

const EXAMPLES: Record<Operator, string> = {
  from: "ana@example.com",
  in: "email",
  is: "open",
  assignee: "me",
  label: "billing",
  before: "2026-11-01",
  after: "2026-10-01",
};

/** A string as one FTS5 phrase: quoted, inner quotes doubled, CJK split as the index is. */
function phrase(text: string): string {
  return `"${indexable(text).replaceAll('"', '""')}"`;
}

/**
 * The FTS5 MATCH expression of a parsed query, built only from quoted phrases: words and phrases in the
 * text column, from: in the author column, exclusions as NOT.
 *
 * @example
 * matchExpression(parsed('canar* -refund from:ana')) // '{text} : "canar"* AND {author} : "ana" NOT {text} : "refund"'
 */
export function matchExpression(q: ParsedQuery): string {
  const text = (t: Term) => `{text} : ${phrase(t.text)}${t.kind === "prefix" ? "*" : ""}`;
  const positive = [...q.terms.filter((t) => !t.negated).map(text), ...q.from.map((f) => `{author} : ${phrase(f)}`)];
  const negative = q.terms.filter((t) => t.negated).map(text);
  return [positive.join(" AND "), ...negative].join(" NOT ");
}
