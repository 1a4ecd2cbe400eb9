import { z } from "zod";

/**
 * Meta's Graph API, for the Send API and profiles. `baseUrl` includes the API version
 * (`MESSENGER_GRAPH_URL`, e.g. https://graph.facebook.com/v24.0) so tests and `npm start` can point it
 * at a local stub.
 */
export interface GraphConfig {
  baseUrl: string;
  pageToken: string;
}

export type SendResult = { ok: true; messageId: string } | { ok: false; reason: string; code: number | null };

const graphError = z.looseObject({
  error: z.looseObject({
    message: z.string().optional(),
    code: z.number().optional(),
    error_subcode: z.number().optional(),
  }),
});
const sendSuccess = z.looseObject({ message_id: z.string() });

export interface OutgoingText {
  psid: string;
  text: string;
  /** Echoed back by Meta with the echo of this message: how we recognise our own messages (S27). */
  metadata: string;
  tag: "HUMAN_AGENT" | null;
}

/** POST /me/messages. Never throws: failures come back with a plain reason for the agent. */
export async function sendText(cfg: GraphConfig, m: OutgoingText): Promise<SendResult> {
  const body = {
    recipient: { id: m.psid },
    messaging_type: m.tag ? "MESSAGE_TAG" : "RESPONSE",
    ...(m.tag ? { tag: m.tag } : {}),
    message: { text: m.text, metadata: m.metadata },
  };
  let res: Response;
  try {
    res = await fetch(`${cfg.baseUrl}/me/messages?access_token=${encodeURIComponent(cfg.pageToken)}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  } catch {
    return { ok: false, reason: "Messenger could not be reached; try again.", code: null };
  }
  const json: unknown = await res.json().catch(() => null);
  const success = sendSuccess.safeParse(json);
  if (res.ok && success.success) return { ok: true, messageId: success.data.message_id };
  const error = graphError.safeParse(json);
  return { ok: false, ...explain(error.success ? error.data.error : {}, res.status) };
}

/**
 * A plain reason for a Graph error, by its code and subcode: the message text is localised by Meta
 * and must not be matched on.
 */
export function explain(
  e: { code?: number; error_subcode?: number; message?: string },
  status: number,
): { reason: string; code: number | null } {
  const code = e.code ?? null;
  if (code === 10 && (e.error_subcode === 2018278 || e.error_subcode === 2018065)) {
    return {
      reason:
        "Messenger refused: the message is outside the allowed window (24 hours after the person's last message).",
      code,
    };
  }
  if (code === 551)
    return {
      reason: "Messenger refused: this person isn't available right now (they may have blocked the Page).",
      code,
    };
  if (code === 190)
    return {
      reason: "The Page access token has expired or is invalid: an admin must renew MESSENGER_PAGE_TOKEN.",
      code,
    };
  if (code === 4 || code === 32 || code === 613 || status === 429)
    return { reason: "Messenger is rate-limiting the Page; try again in a minute.", code };
  return { reason: `Messenger refused the message${e.message ? `: ${e.message}` : ` (HTTP ${status})`}.`, code };
}

/** The person's name from their profile, or null when it cannot be fetched (privacy settings, no permission). */
export async function fetchName(cfg: GraphConfig, psid: string): Promise<string | null> {
  try {
    const res = await fetch(
      `${cfg.baseUrl}/${encodeURIComponent(psid)}?fields=name,first_name,last_name&access_token=${encodeURIComponent(cfg.pageToken)}`,
    );
    if (!res.ok) return null;
    const p = (await res.json()) as { name?: string; first_name?: string; last_name?: string };
    return p.name ?? ([p.first_name, p.last_name].filter(Boolean).join(" ") || null);
  } catch {
    return null;
  }
}
