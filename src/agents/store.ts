import { and, asc, eq, sql } from "drizzle-orm";
import { type AgentView, agentView } from "../auth/agent-view";
import { hashPassword } from "../auth/password";
import { conversationStub } from "../conversation/stub";
import { type Database, database } from "../db/client";
import { type Agent, type AgentRole, agents, conversations, sessions } from "../db/schema";
import type { Env } from "../env";
import type { Author } from "../protocol";
import { now } from "../lib/clock";
import { normalizeEmail } from "../lib/email-address";
import { ApiError } from "../lib/errors";

export async function listAgents(db: Database): Promise<AgentView[]> {
  const rows = await db.select().from(agents).orderBy(asc(agents.name), asc(agents.email));
  return rows.map(agentView);
}

export interface NewAgent {
  email: string;
  name: string;
  role: AgentRole;
  password: string;
}

export async function createAgent(db: Database, input: NewAgent): Promise<AgentView> {
  const at = now();
  const row: Agent = {
    id: crypto.randomUUID(),
    email: normalizeEmail(input.email),
    name: input.name.trim(),
    role: input.role,
    passwordHash: await hashPassword(input.password),
    active: true,
    availability: "online",
    createdAt: at,
    updatedAt: at,
  };
  const inserted = await db.insert(agents).values(row).onConflictDoNothing().returning();
  if (inserted.length === 0)
    throw new ApiError(409, "email_taken", `An agent with the email ${row.email} already exists`);
  return agentView(row);
}

export interface AgentChanges {
  name?: string;
  role?: AgentRole;
  active?: boolean;
  password?: string;
}

/**
 * Applies an admin's changes. Deactivating an agent or setting a new password ends all of that
 * agent's sessions in the same atomic batch. The last active admin cannot be demoted or deactivated:
 * the workspace would have no one left to manage it.
 */
export async function updateAgent(db: Database, id: string, changes: AgentChanges): Promise<AgentView> {
  const current = await db.query.agents.findFirst({ where: eq(agents.id, id) });
  if (!current) throw new ApiError(404, "agent_not_found", "No agent with that id");

  const losesAdmin =
    current.role === "admin" && current.active && (changes.role === "agent" || changes.active === false);

  const update: Partial<Agent> = { updatedAt: now() };
  if (changes.name !== undefined) update.name = changes.name.trim();
  if (changes.role !== undefined) update.role = changes.role;
  if (changes.active !== undefined) update.active = changes.active;
  if (changes.password !== undefined) update.passwordHash = await hashPassword(changes.password);

  const endsSessions = changes.active === false || changes.password !== undefined;
  // The "another active admin exists" condition sits in the UPDATE itself, so two admins demoting
  // each other at once cannot both succeed (D1 has no interactive transactions to lock with).
  const where = losesAdmin ? and(eq(agents.id, id), anotherActiveAdmin(id)) : eq(agents.id, id);
  const updateQuery = db.update(agents).set(update).where(where).returning();
  // Runs after the update in the same atomic batch; it only ends sessions if the update took effect.
  const sessionsQuery = db
    .delete(sessions)
    .where(
      and(
        eq(sessions.agentId, id),
        sql`exists (select 1 from ${agents} where ${agents.id} = ${id} and (${agents.active} = 0 or ${agents.passwordHash} = ${update.passwordHash ?? null}))`,
      ),
    );
  const [updated] = endsSessions ? await db.batch([updateQuery, sessionsQuery]) : [await updateQuery];
  if (!updated[0]) throw new ApiError(409, "last_admin", "The workspace needs at least one active admin");
  return agentView(updated[0]);
}

/** S31: every open conversation `agentId` owns goes back to unassigned, by `by` (an event in each thread). */
export async function unassignAll(env: Env, agentId: string, by: Author): Promise<string[]> {
  const owned = await database(env.DB)
    .select({ id: conversations.id })
    .from(conversations)
    .where(and(eq(conversations.assigneeId, agentId), eq(conversations.status, "open")));
  await Promise.all(owned.map((row) => conversationStub(env, row.id).assign(null, by)));
  return owned.map((row) => row.id);
}

function anotherActiveAdmin(exceptId: string) {
  return sql`exists (select 1 from ${agents} where ${agents.role} = 'admin' and ${agents.active} = 1 and ${agents.id} != ${exceptId})`;
}
