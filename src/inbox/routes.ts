import { agentRouter } from "../auth/agent-router";
import { requireAgent } from "../auth/middleware";
import { isOwnOrigin } from "../lib/origin";
import { forwardUpgrade, requireUpgrade } from "../lib/sockets";
import { workspaceFeed } from "../lib/workspace";

/** The live inbox feed socket for signed-in agents. */
export const inboxRoutes = agentRouter()
  .use(requireAgent)
  .get("/socket", async (c) => {
    requireUpgrade(c, (origin) => isOwnOrigin(c, origin));
    return forwardUpgrade(workspaceFeed(c.env), { identity: JSON.stringify({ agentId: c.get("agent").id, session: c.get("session") }) });
  });
