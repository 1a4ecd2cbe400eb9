import { agentRouter } from "../auth/agent-router";
import { z } from "zod";
import { requireAdmin, requireAgent } from "../auth/middleware";
import { closeSessionSockets } from "../auth/sessions";
import { workspaceFeed } from "../lib/workspace";
import { passwordSchema } from "../auth/password";
import { agentRoles } from "../db/schema";
import { database } from "../db/client";
import { validate } from "../lib/validate";
import { createAgent, listAgents, unassignAll, updateAgent } from "./store";

const name = z.string().trim().min(1, "Required").max(100);

const newAgentSchema = z.strictObject({
  email: z.email().max(254),
  name,
  role: z.enum(agentRoles).default("agent"),
  password: passwordSchema,
});

const agentChangesSchema = z
  .strictObject({
    name: name.optional(),
    role: z.enum(agentRoles).optional(),
    active: z.boolean().optional(),
    password: passwordSchema.optional(),
  })
  .refine((v) => Object.keys(v).length > 0, "Send at least one of name, role, active, password");

const idParam = z.object({ id: z.uuid("Not an agent id") });

/** Every agent may see the team; only admins change it. There is no DELETE: agents are deactivated. */
export const agentRoutes = agentRouter()
  .use(requireAgent)
  /** The team, with each agent's status now (S32: online, away, offline). */
  .get("/", async (c) => {
    const [agents, statuses] = await Promise.all([listAgents(database(c.env.DB)), workspaceFeed(c.env).statuses()]);
    return c.json({ agents: agents.map((a) => ({ ...a, status: statuses[a.id] ?? "offline" })) });
  })
  .post("/", requireAdmin, validate("json", newAgentSchema), async (c) => {
    const agent = await createAgent(database(c.env.DB), c.req.valid("json"));
    return c.json({ agent }, 201);
  })
  .patch("/:id", requireAdmin, validate("param", idParam), validate("json", agentChangesSchema), async (c) => {
    const changes = c.req.valid("json");
    const agent = await updateAgent(database(c.env.DB), c.req.valid("param").id, changes);
    // Deactivated or given a new password by an admin: signed out everywhere, open sockets included (S9).
    if (changes.active === false || changes.password !== undefined)
      await closeSessionSockets(c.env, { agentId: agent.id });
    // S31: a deactivated agent owns nothing open any more (auto-assignment then places it).
    if (changes.active === false) {
      const me = c.get("agent");
      const owned = await unassignAll(c.env, agent.id, { kind: "agent", id: me.id, name: me.name });
      await workspaceFeed(c.env).requeue(owned);
    }
    return c.json({ agent });
  });
