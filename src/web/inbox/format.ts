import type { Channel, ConversationSummary } from "../../protocol";
import { t } from "./i18n";

/** "now", "5 min", "3 h", "2 d". */
export function relativeTime(at: number, now = Date.now()): string {
  const minutes = Math.floor((now - at) / 60_000);
  if (minutes < 1) return t.justNow;
  if (minutes < 60) return t.minutes(minutes);
  if (minutes < 24 * 60) return t.hours(Math.floor(minutes / 60));
  return t.days(Math.floor(minutes / (24 * 60)));
}

export function clockTime(at: number): string {
  return new Date(at).toLocaleString(undefined, { dateStyle: "short", timeStyle: "short" });
}

/** The contact's name or email, else "Visitor" and a short stable tag from the conversation id. */
export function displayName(c: Pick<ConversationSummary, "id" | "contact" | "personName">): string {
  return c.contact?.name || c.contact?.email || c.personName || `${t.visitor} ${c.id.slice(2, 6).toUpperCase()}`;
}

export function channelLabel(channel: Channel): string {
  return channel === "chat" ? t.chat : channel === "email" ? t.emailChannel : t.messenger;
}

/** SVG paths of the channel icons (inline: no remote loads, no emoji font needed). */
export const channelIconPath: Record<Channel, string> = {
  chat: "M2 3h16v11H7l-4 4v-4H2z",
  email: "M1 4h18v12H1zm2 2v.5l7 4.5 7-4.5V6l-7 4.5z",
  messenger: "M10 1C5 1 1 4.7 1 9.3c0 2.6 1.3 4.9 3.3 6.4V19l3-1.7c.9.3 1.8.4 2.7.4 5 0 9-3.7 9-8.4S15 1 10 1zm1 11-2.4-2.5L4 12l5-5.3 2.4 2.5L16 6.7z",
};
