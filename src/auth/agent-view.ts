import { eq, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { type Agent, type AgentRole, agents } from "../db/schema";
import { normalizeEmail } from "../lib/email-address";

/** What the API shows of an agent (the signed-in one included): never the password hash. */
export interface AgentView {
  id: string;
  email: string;
  name: string;
  role: AgentRole;
  active: boolean;
  /** S32: online or away, by the agent's choice (with no app open they are offline whatever this says). */
  availability: "online" | "away";
  createdAt: number;
}

export function agentView(a: Agent): AgentView {
  return {
    id: a.id,
    email: a.email,
    name: a.name,
    role: a.role,
    active: a.active,
    availability: a.availability,
    createdAt: a.createdAt,
  };
}

/** The agent who signs in with this address (any case), with the stored hash to check. */
export async function findAgentByEmail(db: Database, email: string): Promise<Agent | undefined> {
  return db.query.agents.findFirst({ where: eq(sql`lower(${agents.email})`, normalizeEmail(email)) });
}
