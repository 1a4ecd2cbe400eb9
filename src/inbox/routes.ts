import { agentRouter } from "../auth/agent-router";
import { z } from "zod";
import { requireAdmin, requireAgent } from "../auth/middleware";
import { validate } from "../lib/validate";
import { isOwnOrigin } from "../lib/origin";
import { forwardUpgrade, requireUpgrade } from "../lib/sockets";
import { database } from "../db/client";
import { workspaceFeed } from "../lib/workspace";
import { inboxCountsFor } from "./conversation-index";
import { type FeedIdentity, loadAssignmentSettings } from "./feed";

const assignmentSettings = z.strictObject({
  mode: z.enum(["off", "balanced"]),
  capacity: z.number().int().min(1).max(1000),
});

/** The live inbox feed socket for signed-in agents, and the inbox's counts. */
export const inboxRoutes = agentRouter()
  .use(requireAgent)
  /** S31: Mine, Unassigned, All (open) and unread, in constant time. */
  .get("/counts", async (c) => c.json(await inboxCountsFor(database(c.env.DB), c.get("agent").id)))
  /** S32: auto-assignment, off or balanced with a capacity per agent. Every agent reads it; admins change it. */
  .get("/assignment", async (c) => c.json(await loadAssignmentSettings(c.env.DB)))
  .put("/assignment", requireAdmin, validate("json", assignmentSettings), async (c) => {
    const settings = c.req.valid("json");
    await c.env.DB.prepare(
      "INSERT INTO workspace_settings (key, value) VALUES ('assignment', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
      .bind(JSON.stringify(settings))
      .run();
    await workspaceFeed(c.env).assignmentChanged(settings);
    return c.json(settings);
  })
  .get("/socket", async (c) => {
    requireUpgrade(c, (origin) => isOwnOrigin(c, origin));
    const agent = c.get("agent");
    const identity: FeedIdentity = {
      agent: { id: agent.id, name: agent.name },
      choice: agent.availability,
      session: c.get("session"),
    };
    return forwardUpgrade(workspaceFeed(c.env), { identity: JSON.stringify(identity) });
  });
