import type { Env } from "./env";
import type { AgentView } from "./auth/agent-view";

/** Hono's environment for every route: bindings, and what the auth middleware learned. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    agent: AgentView;
    /** The signed-in session's stored key (hash of the cookie token). */
    sessionKey: string;
  };
}
