import type { Channel, ConversationSummary } from "../../protocol";
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
    { channel: "chat", disabledReason: isMessenger ? t.notMessenger : null },
    { channel: "email", disabledReason: c.contact?.email ? t.emailNotYet : t.noEmailKnown },
    { channel: "messenger", disabledReason: isMessenger ? null : t.notMessenger },
  ];
}

/** S7's pre-selection: Messenger for Messenger; Web Chat while online; Email when offline and possible. */
export function preselectedChannel(c: ConversationSummary, visitorOnline: boolean): Channel {
  const options = replyChannels(c);
  const usable = (ch: Channel) => options.some((o) => o.channel === ch && o.disabledReason === null);
  if (c.channel === "messenger") return "messenger";
  if (!visitorOnline && usable("email")) return "email";
  return "chat";
}
