/**
 * How addresses are compared everywhere (agents, contacts): trimmed and lower-cased. Matches the
 * D1 indexes on lower(email), so a lookup and the uniqueness rule agree.
 *
 * @example
 * normalizeEmail("  Ada@Example.COM ") // "ada@example.com"
 */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
