import { app } from "./app";
import type { Env } from "./env";

export { ConversationRoom } from "./conversation/room";
export { InboxFeed } from "./inbox/feed";

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
