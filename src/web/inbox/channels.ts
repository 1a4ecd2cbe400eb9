import { type Channel, type ConversationSummary, typedAddress } from "../../protocol";
import { t } from "./i18n";

export interface ChannelOption {
  channel: Channel;
  /** Why the channel cannot be used now; null when it can. */
  disabledReason: string | null;
}

/**
 * S7: which reply channels the composer offers for a conversation, and why the others are disabled.
 * Web Chat reaches only a conversation that has a chat visitor (one that started in the widget); it
 * stays possible while that visitor is offline (S17: they see it next time).
 */
export function replyChannels(c: ConversationSummary): ChannelOption[] {
  const isMessenger = c.channel === "messenger";
  return [
    { channel: "chat", disabledReason: c.channel === "chat" ? null : t.noChatVisitor },
    { channel: "email", disabledReason: c.contact?.email ? null : t.noEmailKnown },
    { channel: "messenger", disabledReason: isMessenger ? null : t.notMessenger },
  ];
}

/**
 * S7's pre-selection: Messenger for Messenger; Web Chat while online; Email when offline and possible,
 * but never to an address a visitor typed (S16: offered, marked unverified, not pre-selected).
 */
export function preselectedChannel(c: ConversationSummary, visitorOnline: boolean): Channel {
  const options = replyChannels(c);
  const usable = (ch: Channel) => options.some((o) => o.channel === ch && o.disabledReason === null);
  if (c.channel === "messenger") return "messenger";
  if (c.channel !== "chat" && usable("email")) return "email";
  if (!visitorOnline && usable("email") && !typedAddress(c)) return "email";
  return "chat";
}

const HOUR = 3_600_000;

/** S26: when a standard Messenger reply stops being allowed (24 h after the person's last message). */
export function messengerClosesAt(c: ConversationSummary): number | null {
  return c.lastInboundAt === null ? null : c.lastInboundAt + 24 * HOUR;
}

/** S26: how long a standard Messenger reply is still allowed (24 h after the person's last message). */
export function messengerWindow(c: ConversationSummary, now = Date.now()): string {
  const closes = messengerClosesAt(c);
  const left = closes === null ? 0 : closes - now;
  if (left <= 0) return t.messengerWindowClosed;
  return t.messengerWindowLeft(Math.floor(left / HOUR), Math.floor((left % HOUR) / 60_000));
}

/**
 * S7: why the chosen channel cannot reach this conversation now (disabled, or Messenger's window has
 * closed), or null while it can. The composer says so, and Send asks before it tries.
 */
export function channelProblem(c: ConversationSummary, channel: Channel, now = Date.now()): string | null {
  const option = replyChannels(c).find((o) => o.channel === channel);
  if (option?.disabledReason) return option.disabledReason;
  if (channel === "messenger" && (messengerClosesAt(c) ?? 0) <= now) return t.messengerWindowClosed;
  return null;
}
