/**
 * S26: Meta's messaging window. A standard reply (`messaging_type: "RESPONSE"`) is allowed only within
 * 24 hours of the person's last message. Past that, only a human agent may reply, with the HUMAN_AGENT
 * tag, up to 7 days — and only where the workspace enabled it (the Page needs Meta's approval).
 */
export const STANDARD_WINDOW_MS = 24 * 60 * 60 * 1000;
export const HUMAN_AGENT_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

export type ReplyPolicy =
  | { ok: true; messagingType: "RESPONSE"; closesAt: number }
  | { ok: true; messagingType: "MESSAGE_TAG"; tag: "HUMAN_AGENT"; closesAt: number }
  | { ok: false; reason: string };

/**
 * @example
 * replyPolicy(lastInboundAt, now, false) // { ok: true, messagingType: "RESPONSE", closesAt } within 24 h
 */
export function replyPolicy(lastInboundAt: number | null, now: number, humanAgentEnabled: boolean): ReplyPolicy {
  if (lastInboundAt === null)
    return { ok: false, reason: "This person has not written to the Page yet, so the Page cannot message them." };
  const standardCloses = lastInboundAt + STANDARD_WINDOW_MS;
  if (now < standardCloses) return { ok: true, messagingType: "RESPONSE", closesAt: standardCloses };
  const humanCloses = lastInboundAt + HUMAN_AGENT_WINDOW_MS;
  if (!humanAgentEnabled) {
    return {
      ok: false,
      reason:
        "More than 24 hours have passed since this person's last message: Messenger allows no standard reply now.",
    };
  }
  if (now < humanCloses) return { ok: true, messagingType: "MESSAGE_TAG", tag: "HUMAN_AGENT", closesAt: humanCloses };
  return {
    ok: false,
    reason: "More than 7 days have passed since this person's last message: not even a human-agent reply is allowed.",
  };
}
