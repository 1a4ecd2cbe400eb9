import { type Channel, type ConversationSummary, typedAddress } from "../../protocol";
import { t } from "./i18n";

export interface ChannelOption {
  channel: Channel;
  /** Why the channel cannot be used now; null when it can. */
  disabledReason: string | null;
}

/**
 * S7: which reply channels the composer offers for a conversation, and why the others are disabled.
 * Web Chat stays possible while the visitor is offline (S17: they see it next time).
 */
export function replyChannels(c: ConversationSummary): ChannelOption[] {
  const isMessenger = c.channel === "messenger";
  return [
    { channel: "chat", disabledReason: isMessenger ? t.noChatVisitor : null },
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
  if (!visitorOnline && usable("email") && !typedAddress(c)) return "email";
  return "chat";
}

const HOUR = 3_600_000;

/** S26: how long a standard Messenger reply is still allowed (24 h after the person's last message). */
export function messengerWindow(c: ConversationSummary, now = Date.now()): string {
  if (c.lastInboundAt === null) return t.messengerWindowClosed;
  const left = c.lastInboundAt + 24 * HOUR - now;
  if (left <= 0) return t.messengerWindowClosed;
  return t.messengerWindowLeft(Math.floor(left / HOUR), Math.floor((left % HOUR) / 60_000));
}
