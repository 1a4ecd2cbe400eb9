import type { Env } from "../env";

const POSITION = "backfill";
const CONCURRENCY = 10;

export interface BackfillStep {
  /** Conversations that confirmed their items are in the index in this step. */
  indexed: number;
  /** Conversations whose write failed: each has a retry scheduled, and a later run asks them again. */
  failed: string[];
  /** The last conversation id walked (the walk resumes after it). */
  position: string | null;
  done: boolean;
}

/**
 * S41: the backfill. D1 migrations cannot read Durable Objects, so existing conversations are indexed by
 * asking each one, in the order of the D1 index, to send the items it has not yet seen confirmed. Each
 * item is keyed by (conversation, seq), so a step run twice, or a run interrupted and started again,
 * leaves one entry per item. The position is kept in the search database; a finished walk forgets it,
 * so the next run walks everything again (cheaply: conversations with nothing pending send nothing).
 */
export async function backfillStep(
  env: Env,
  { restart, fromStart, limit }: { restart: boolean; fromStart: boolean; limit: number },
): Promise<BackfillStep> {
  if (restart) await env.SEARCH.prepare("DELETE FROM search_state WHERE key = ?").bind(POSITION).run();
  const after =
    (await env.SEARCH.prepare("SELECT value FROM search_state WHERE key = ?").bind(POSITION).first<{ value: string }>())
      ?.value ?? "";
  const { results } = await env.DB.prepare("SELECT id FROM conversations WHERE id > ? ORDER BY id LIMIT ?")
    .bind(after, limit)
    .all<{ id: string }>();
  const ids = results.map((r) => r.id);
  const failed: string[] = [];
  let indexed = 0;
  for (let i = 0; i < ids.length; i += CONCURRENCY) {
    await Promise.all(
      ids.slice(i, i + CONCURRENCY).map(async (id) => {
        const ok = await env.CONVERSATIONS.getByName(id)
          .indexForSearch(fromStart)
          .catch(() => false);
        if (ok === false) failed.push(id);
        else if (ok) indexed++;
      }),
    );
  }
  const done = ids.length < limit;
  const position = ids.at(-1) ?? null;
  if (done) await env.SEARCH.prepare("DELETE FROM search_state WHERE key = ?").bind(POSITION).run();
  else
    await env.SEARCH.prepare(
      "INSERT INTO search_state (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = ?2",
    )
      .bind(POSITION, position)
      .run();
  return { indexed, failed, position, done };
}
