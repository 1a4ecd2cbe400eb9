import type { ConversationRoom } from "./index";
import type { InboxFeed } from "./inbox/feed";

/** Bindings declared in wrangler.toml, plus secrets from `wrangler secret put` (or `.dev.vars` locally). */
export interface Env {
  DB: D1Database;
  /** S41: the search index, a D1 database of its own (FTS5 tables make a database unexportable). */
  SEARCH: D1Database;
  ASSETS: Fetcher;
  CONVERSATIONS: DurableObjectNamespace<ConversationRoom>;
  /** Raw inbound mail, sanitised HTML bodies and attachments. */
  MAIL: R2Bucket;
  SEND_EMAIL: SendEmail;
  SUPPORT_ADDRESS: string;
  SUPPORT_NAME: string;
  REPLY_DOMAIN: string;
  /** Secret: signs reply addresses (reply+<token>@REPLY_DOMAIN). */
  EMAIL_REPLY_SECRET: string;
  INBOX_FEED: DurableObjectNamespace<InboxFeed>;
  SIGN_IN_PER_ACCOUNT: RateLimit;
  SIGN_IN_PER_CLIENT: RateLimit;
  /** New widget conversations (and typed email addresses) per client address. */
  WIDGET_NEW_CONVERSATIONS: RateLimit;
  SESSION_IDLE_MINUTES: string;
  SESSION_MAX_DAYS: string;
  PRESENCE_GRACE_MS: string;
  PRESENCE_STALE_MS: string;
  PRESENCE_SWEEP_MS: string;
  /** S28: messages a visitor / an agent may post in one conversation, per minute and at once. */
  VISITOR_MESSAGES_PER_MINUTE: string;
  VISITOR_MESSAGE_BURST: string;
  AGENT_MESSAGES_PER_MINUTE: string;
  AGENT_MESSAGE_BURST: string;
  /** Comma-separated origins allowed to embed the widget (`scheme://host:*` for any port), or "*" for any. */
  WIDGET_ORIGINS: string;
  /** Messenger: Graph API base URL with its version (tests point it at a local stub). */
  MESSENGER_GRAPH_URL: string;
  /** "true" when the Page may send HUMAN_AGENT-tagged replies (needs Meta's approval). */
  MESSENGER_HUMAN_AGENT: string;
  /** Secrets: the Meta app's secret (webhook signatures), the webhook verify token, the Page access token. */
  MESSENGER_APP_SECRET: string;
  MESSENGER_VERIFY_TOKEN: string;
  MESSENGER_PAGE_TOKEN: string;
  /** Secret: signs visitor device ids and visitor tokens. */
  VISITOR_TOKEN_SECRET: string;
  /** S39 Web Push (VAPID, RFC 8292): the P-256 key pair (public uncompressed, private JWK `d`, base64url) and a contact. Unset: no push. */
  VAPID_PUBLIC_KEY?: string;
  VAPID_PRIVATE_KEY?: string;
  VAPID_SUBJECT: string;
  /** Secret shared with the host site's backend, which signs the widget's identify calls. Unset: identify is off. */
  WIDGET_IDENTITY_SECRET?: string;
}

type WorkerEnv = Env;
declare global {
  namespace Cloudflare {
    // Types `env` from "cloudflare:workers" and "cloudflare:test".
    interface Env extends WorkerEnv {}
    // Types `exports` from "cloudflare:workers" (loopback bindings to our own entry points).
    interface GlobalProps {
      mainModule: typeof import("./index");
      durableNamespaces: "ConversationRoom" | "InboxFeed";
    }
  }
}
