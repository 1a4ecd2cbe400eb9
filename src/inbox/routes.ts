import { agentRouter } from "../auth/agent-router";
import { requireAgent } from "../auth/middleware";
import { isOwnOrigin } from "../lib/origin";
import { forwardUpgrade, requireUpgrade } from "../lib/sockets";
import { database } from "../db/client";
import { workspaceFeed } from "../lib/workspace";
import { inboxCountsFor } from "./conversation-index";

/** The live inbox feed socket for signed-in agents, and the inbox's counts. */
export const inboxRoutes = agentRouter()
  .use(requireAgent)
  /** S31: Mine, Unassigned, All (open) and unread, in constant time. */
  .get("/counts", async (c) => c.json(await inboxCountsFor(database(c.env.DB), c.get("agent").id)))
  .get("/socket", async (c) => {
    requireUpgrade(c, (origin) => isOwnOrigin(c, origin));
    return forwardUpgrade(workspaceFeed(c.env), { identity: JSON.stringify({ agentId: c.get("agent").id, session: c.get("session") }) });
  });
