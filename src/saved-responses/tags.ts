/**
 * S12: personalization tags — `{{contact.first_name}}`, `{{contact.last_name}}`, `{{contact.email}}`,
 * `{{agent.name}}`, `{{agent.first_name}}` — with an optional fallback: `{{contact.first_name | there}}`.
 * Shared by the inbox (preview) and the worker (a reply with a tag left in it is refused, never sent raw).
 *
 * @example
 * fillTags("Hi {{contact.first_name | there}}!", { "contact.first_name": null }) // { ok: true, text: "Hi there!" }
 * fillTags("Hi {{contact.nickname}}", {})  // { ok: false, problems: ["Unknown tag {{contact.nickname}}"] }
 */
export const TAGS = [
  "contact.first_name",
  "contact.last_name",
  "contact.email",
  "agent.name",
  "agent.first_name",
] as const;
export type TagName = (typeof TAGS)[number];
export type TagValues = Partial<Record<TagName, string | null>>;

const TAG = /\{\{\s*([^{}|]*?)\s*(?:\|\s*([^{}]*?)\s*)?\}\}/g;

export type Filled = { ok: true; text: string } | { ok: false; problems: string[] };

export function fillTags(text: string, values: TagValues): Filled {
  const problems: string[] = [];
  const filled = text.replace(TAG, (whole, name: string, fallback: string | undefined) => {
    if (!(TAGS as readonly string[]).includes(name)) {
      problems.push(`Unknown tag ${whole}`);
      return whole;
    }
    const value = values[name as TagName];
    if (value) return value;
    // `{{contact.first_name | }}` is a deliberate empty fallback: leave nothing.
    if (fallback !== undefined) return fallback;
    problems.push(`${whole} has no value for this conversation and no fallback`);
    return whole;
  });
  return problems.length ? { ok: false, problems } : { ok: true, text: filled };
}

/** True when text still holds something that looks like a tag: a reply must never carry one. */
export function hasTags(text: string): boolean {
  return /\{\{[^{}]*\}\}/.test(text);
}

/** First and last name from a full name: "María José García" → "María", "José García". */
export function splitName(name: string | null | undefined): { first: string | null; last: string | null } {
  const parts = (name ?? "").trim().split(/\s+/).filter(Boolean);
  return { first: parts[0] ?? null, last: parts.length > 1 ? parts.slice(1).join(" ") : null };
}
