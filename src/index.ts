import { app } from "./app";
import { emailReplies } from "./channels/email/reply-channel";
import { receiveEmail } from "./channels/email/handler";
import { messengerReplies } from "./channels/messenger/reply-channel";
import { chatOutbound } from "./conversation/outbound";
import { Room } from "./conversation/room";
import type { Env } from "./env";

export { InboxFeed } from "./inbox/feed";

/** The conversation object, wired here to the channels that carry its replies out. */
export class ConversationRoom extends Room {
  protected readonly outbound = { chat: chatOutbound, email: emailReplies, messenger: messengerReplies };
}

export default {
  fetch: app.fetch,
  email: (message, env) => receiveEmail(message, env),
} satisfies ExportedHandler<Env>;
