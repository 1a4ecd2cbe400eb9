import type { Env } from "../env";
import { now } from "../lib/clock";
import type { AgentNotification } from "../protocol";
import { pushRequest, type Vapid } from "./web-push";

export function vapidOf(env: Env): Vapid | null {
  return env.VAPID_PUBLIC_KEY && env.VAPID_PRIVATE_KEY
    ? { publicKey: env.VAPID_PUBLIC_KEY, privateKey: env.VAPID_PRIVATE_KEY, subject: env.VAPID_SUBJECT }
    : null;
}

/** Push services are HTTPS; plain HTTP only to this machine (a local stub). */
export function pushEndpointAllowed(endpoint: string): boolean {
  try {
    const url = new URL(endpoint);
    return (
      url.protocol === "https:" ||
      (url.protocol === "http:" && ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname))
    );
  } catch {
    return false;
  }
}

const TITLES: Record<AgentNotification["kind"], string> = {
  mentioned: "You were mentioned",
  assigned: "Assigned to you",
  unassigned_new: "New conversation",
  customer_message: "New message",
  unassigned_message: "New message (unassigned)",
};

/**
 * S39: each notice as a Web Push to every device of its agent (their app is closed: the caller checks).
 * A subscription its service answers 404 or 410 for is gone, and removed.
 */
export async function pushNotices(env: Env, notices: AgentNotification[]): Promise<void> {
  const vapid = vapidOf(env);
  if (!vapid || notices.length === 0) return;
  const agentIds = [...new Set(notices.map((n) => n.agentId))];
  const { results } = await env.DB.prepare(
    `SELECT * FROM push_subscriptions WHERE agent_id IN (${agentIds.map(() => "?").join(", ")})`,
  )
    .bind(...agentIds)
    .all<{ endpoint: string; agent_id: string; p256dh: string; auth: string }>();
  const gone: string[] = [];
  await Promise.all(
    notices.flatMap((n) =>
      results
        .filter((s) => s.agent_id === n.agentId)
        .map(async (s) => {
          const payload = JSON.stringify({
            title: TITLES[n.kind],
            body: [n.actor, n.preview].filter(Boolean).join(": "),
            url: `/conversations/${n.conversationId}?seq=${n.seq}`,
            id: n.id,
            // What the service worker needs to say it in the agent's own language (the title above is English).
            kind: n.kind,
            actor: n.actor,
            preview: n.preview,
          });
          try {
            const res = await fetch(
              await pushRequest({ endpoint: s.endpoint, p256dh: s.p256dh, auth: s.auth }, payload, vapid, now()),
            );
            if (res.status === 404 || res.status === 410) gone.push(s.endpoint);
          } catch (err) {
            console.error("push failed", s.endpoint, err);
          }
        }),
    ),
  );
  if (gone.length)
    await env.DB.batch(
      gone.map((endpoint) => env.DB.prepare("DELETE FROM push_subscriptions WHERE endpoint = ?").bind(endpoint)),
    );
}
