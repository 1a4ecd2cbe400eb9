import type { Env } from "./env";
import type { AgentView } from "./auth/agent-view";
import type { AgentSession } from "./lib/socket-frames";

/** Hono's environment for every route: bindings, and what the auth middleware learned. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    agent: AgentView;
    /** The signed-in session: its stored key (hash of the cookie token) and absolute end. */
    session: AgentSession;
  };
}
