import type { Channel, ConversationSummary, Message } from "../../protocol";
import { t } from "./i18n";

/** "now", "5 min", "3 h", "2 d". */
export function relativeTime(at: number, now = Date.now()): string {
  const minutes = Math.floor((now - at) / 60_000);
  if (minutes < 1) return t.justNow;
  if (minutes < 60) return t.minutes(minutes);
  if (minutes < 24 * 60) return t.hours(Math.floor(minutes / 60));
  return t.days(Math.floor(minutes / (24 * 60)));
}

// Dates and times in the agent's own locale (the browser's), always with the full year.
const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const longDateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "full", timeStyle: "short" });
const dayFormat = new Intl.DateTimeFormat(undefined, {
  weekday: "long",
  day: "numeric",
  month: "long",
  year: "numeric",
});
const relativeDay = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });

/** "2:37 PM" / "14:37". */
export function clockTime(at: number): string {
  return timeFormat.format(at);
}

/** "Nov 24, 2026, 2:37 PM" / "24 nov 2026, 14:37". */
export function dateTime(at: number): string {
  return dateTimeFormat.format(at);
}

/** "Tuesday, November 24, 2026 at 2:37 PM": for titles (hover) and screen readers. */
export function fullDateTime(at: number): string {
  return longDateTimeFormat.format(at);
}

function startOfDay(at: number): number {
  const d = new Date(at);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** A thread's day divider: "Today", "Yesterday", else "Tuesday, November 24, 2026". */
export function dayLabel(at: number, now = Date.now()): string {
  const days = Math.round((startOfDay(at) - startOfDay(now)) / 86_400_000);
  if (days === 0 || days === -1) {
    const word = relativeDay.format(days, "day");
    return word.charAt(0).toLocaleUpperCase() + word.slice(1);
  }
  return dayFormat.format(at);
}

export function sameDay(a: number, b: number): boolean {
  return startOfDay(a) === startOfDay(b);
}

/** The contact's name or email, else "Visitor" and a short stable tag from the conversation id. */
export function displayName(c: Pick<ConversationSummary, "id" | "contact" | "personName">): string {
  return c.contact?.name || c.contact?.email || c.personName || `${t.visitor} ${c.id.slice(2, 6).toUpperCase()}`;
}

/** Up to two initials for an avatar: "Ana García" → "AG", "ana@example.com" → "A", "Visitor 1ED4" → "V" (words with digits are tags, not names). */
export function initials(name: string): string {
  const words = name
    .replace(/@.*/, "")
    .split(/[\s._-]+/)
    .filter((w) => /^\p{L}+$/u.test(w));
  const letters = words.length > 1 ? [words[0]!, words.at(-1)!] : words.slice(0, 1);
  return letters.map((w) => w.charAt(0).toLocaleUpperCase()).join("") || "?";
}

/** One of the avatar colours (each with white text at 4.5:1 or more), stable for a given id. */
export function avatarTone(id: string): number {
  let h = 0;
  for (const ch of id) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return h % 6;
}

export function channelLabel(channel: Channel): string {
  return channel === "chat" ? t.chat : channel === "email" ? t.emailChannel : t.messenger;
}

/** Who wrote a message, as the thread names them. */
export function authorOf(m: Message, summary: ConversationSummary, meId: string): string {
  if (m.author.kind === "agent") return m.author.id === meId ? t.you : (m.author.name ?? t.unknown);
  if (m.author.kind === "system") return t.system;
  // S18: a mail shows who really sent it, whatever the conversation's contact is called.
  const from = m.email?.from;
  if (m.kind === "customer" && from)
    return m.author.name && m.author.name !== from ? `${m.author.name} <${from}>` : from;
  return displayName(summary);
}
