import type { Env } from "../env";

/**
 * The workspace's one inbox feed object (one workspace per deployment). Reached from the
 * conversations (changes, presence), the inbox routes (feed sockets) and auth (ending sessions), so
 * none of them imports another to find it.
 */
export function workspaceFeed(env: Env) {
  return env.INBOX_FEED.getByName("workspace");
}
