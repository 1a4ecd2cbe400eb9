import { app } from "./app";
import { receiveEmail } from "./channels/email/handler";
import type { Env } from "./env";

export { ConversationRoom } from "./conversation/room";
export { InboxFeed } from "./inbox/feed";

export default {
  fetch: app.fetch,
  email: (message, env) => receiveEmail(message, env),
} satisfies ExportedHandler<Env>;
