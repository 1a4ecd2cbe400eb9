import { eq } from "drizzle-orm";
import { agentRouter } from "./agent-router";
import { z } from "zod";
import type { AppEnv } from "../app-env";
import { database } from "../db/client";
import { agents, sessions } from "../db/schema";
import { now } from "../lib/clock";
import { ApiError } from "../lib/errors";
import { validate } from "../lib/validate";
import { normalizeEmail } from "../lib/email-address";
import { workspaceFeed } from "../lib/workspace";
import { agentView, findAgentByEmail } from "./agent-view";
import { requireAgent } from "./middleware";
import { hashPassword, needsRehash, passwordSchema, UNUSABLE_HASH, verifyPassword } from "./password";
import { clearSessionCookie, closeSessionSockets, endSession, presentedSessionKey, startSession } from "./sessions";

const signInSchema = z.strictObject({
  email: z.email().max(254),
  password: z.string().min(1, "Required").max(200),
});

const profileSchema = z.strictObject({ name: z.string().trim().min(1, "Required").max(100) });

const changePasswordSchema = z.strictObject({
  currentPassword: z.string().min(1, "Required").max(200),
  newPassword: passwordSchema,
});

export const authRoutes = agentRouter()
  .post("/sign-in", validate("json", signInSchema), async (c) => {
    const { email, password } = c.req.valid("json");
    await checkSignInRate(c.env, normalizeEmail(email), c.req.header("cf-connecting-ip") ?? "unknown");

    const db = database(c.env.DB);
    const agent = await findAgentByEmail(db, email);
    // Verify even when there is no such agent, so timing does not tell which emails exist.
    const ok = await verifyPassword(password, agent?.passwordHash ?? UNUSABLE_HASH);
    if (!agent || !ok || !agent.active) {
      throw new ApiError(401, "invalid_credentials", "Wrong email or password");
    }
    if (needsRehash(agent.passwordHash)) {
      await db
        .update(agents)
        .set({ passwordHash: await hashPassword(password) })
        .where(eq(agents.id, agent.id));
    }
    // Rotation: whatever session this browser had before is ended, and a new token is issued.
    const previous = await presentedSessionKey(c);
    if (previous) {
      await endSession(db, previous);
      await closeSessionSockets(c.env, { keys: [previous] });
    }
    await startSession(c, db, agent.id);
    return c.json({ agent: agentView(agent) });
  })
  .post("/sign-out", async (c) => {
    const key = await presentedSessionKey(c);
    if (key) {
      await endSession(database(c.env.DB), key);
      await closeSessionSockets(c.env, { keys: [key] });
    }
    clearSessionCookie(c);
    return c.body(null, 204);
  })
  .get("/me", requireAgent, (c) => c.json({ agent: c.get("agent") }))
  /** S32: online or away while the app is open; shown live to the team. */
  .put(
    "/me/availability",
    requireAgent,
    validate("json", z.strictObject({ status: z.enum(["online", "away"]) })),
    async (c) => {
      const me = c.get("agent");
      const { status } = c.req.valid("json");
      await database(c.env.DB)
        .update(agents)
        .set({ availability: status, updatedAt: now() })
        .where(eq(agents.id, me.id));
      await workspaceFeed(c.env).setAvailability({ id: me.id, name: me.name }, status);
      return c.json({ agent: { ...me, availability: status } });
    },
  )
  /** Agents change their own name (S10's "things a team manages itself"); the role stays an admin's. */
  .patch("/me", requireAgent, validate("json", profileSchema), async (c) => {
    const db = database(c.env.DB);
    const [agent] = await db
      .update(agents)
      .set({ name: c.req.valid("json").name, updatedAt: now() })
      .where(eq(agents.id, c.get("agent").id))
      .returning();
    return c.json({ agent: agentView(agent!) });
  })
  .post("/password", requireAgent, validate("json", changePasswordSchema), async (c) => {
    const { currentPassword, newPassword } = c.req.valid("json");
    const db = database(c.env.DB);
    const me = c.get("agent");
    const stored = await db.query.agents.findFirst({ where: eq(agents.id, me.id) });
    if (!stored || !(await verifyPassword(currentPassword, stored.passwordHash))) {
      throw new ApiError(400, "wrong_password", "The current password is wrong", {
        currentPassword: "Wrong password",
      });
    }
    // A new password signs the agent out everywhere else, sockets included; this browser gets a fresh
    // session (a stolen copy of its old cookie dies too), and its sockets reconnect with it.
    const previous = c.get("session").key;
    await db.batch([
      db
        .update(agents)
        .set({ passwordHash: await hashPassword(newPassword), updatedAt: now() })
        .where(eq(agents.id, me.id)),
      db.delete(sessions).where(eq(sessions.agentId, me.id)),
    ]);
    await startSession(c, db, me.id);
    await closeSessionSockets(c.env, { agentId: me.id, except: previous });
    await closeSessionSockets(c.env, { keys: [previous], renewed: true });
    return c.body(null, 204);
  });

async function checkSignInRate(env: AppEnv["Bindings"], email: string, client: string): Promise<void> {
  const [perAccount, perClient] = await Promise.all([
    env.SIGN_IN_PER_ACCOUNT.limit({ key: email }),
    env.SIGN_IN_PER_CLIENT.limit({ key: client }),
  ]);
  if (!perAccount.success || !perClient.success) {
    throw new ApiError(429, "rate_limited", "Too many sign-in attempts; wait a minute and try again", undefined, {
      "Retry-After": "60",
    });
  }
}
