import type { AgentView } from "../auth/agent-view";
import type { Env } from "../env";
import { ApiError } from "../lib/errors";
import { workspaceFeed } from "../lib/workspace";
import { notify } from "../notifications/store";
import type { AgentRef, Author, Message } from "../protocol";

export function agentAuthor(agent: AgentView): Author {
  return { kind: "agent", id: agent.id, name: agent.name };
}

/** S34: the ids, if each names an active agent; a 400 naming the others otherwise. */
export async function activeAgents(db: D1Database, ids: string[]): Promise<string[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  const { results } = await db
    .prepare(`SELECT id FROM agents WHERE active = 1 AND id IN (${unique.map(() => "?").join(", ")})`)
    .bind(...unique)
    .all<{ id: string }>();
  const missing = unique.filter((id) => !results.some((r) => r.id === id));
  if (missing.length)
    throw new ApiError(400, "unknown_agents", `No active agent: ${missing.join(", ")}`, {
      mentions: "Mention active agents only",
    });
  return unique;
}

/**
 * S34: a note's mentions reach exactly the agents it names (not its author): unseen until they open
 * the conversation (the Mentions view, its count), and a live notice on their open apps.
 */
export async function notifyMentions(env: Env, note: Extract<Message, { kind: "note" }>, by: AgentRef): Promise<void> {
  const to = note.mentions.filter((id) => id !== by.id);
  if (to.length === 0) return;
  await env.DB.batch(
    to.map((agentId) =>
      env.DB.prepare(
        "INSERT INTO unseen_mentions (agent_id, conversation_id, seq, at) VALUES (?, ?, ?, ?) ON CONFLICT (agent_id, conversation_id) DO UPDATE SET seq = excluded.seq, at = excluded.at",
      ).bind(agentId, note.conversationId, note.seq, note.createdAt),
    ),
  );
  await workspaceFeed(env).notify(to, {
    type: "mention",
    mention: { conversationId: note.conversationId, seq: note.seq, by },
  });
  await notify(env, to, {
    kind: "mentioned",
    conversationId: note.conversationId,
    seq: note.seq,
    actor: by.name,
    preview: note.text,
  });
}
