import type { MessengerEvent } from "../channels/messenger/events";
import { sendText } from "../channels/messenger/graph";
import { replyPolicy } from "../channels/messenger/window";
import type { Env } from "../env";
import { now } from "../lib/clock";
import type { Author, Message } from "../protocol";
import type { Reply, RoomAccess } from "./room-access";
import { applyReceipt, messageByClientId, messageByExternalId, messageById, setMessageStatus } from "./storage";


/** The Page's own tools (Business Suite, the Page inbox) write as the Page. */
const PAGE: Author = { kind: "system", id: null, name: "Page" };

/**
 * Applies one person's events in order, each once: messages and echoes by mid (S25, S27), receipts
 * by watermark, so a webhook delivered twice, or retried after a failure midway, repeats nothing.
 */
export function ingestMessengerEvents(room: RoomAccess, events: MessengerEvent[]): void {
  for (const e of events) {
    if (e.kind === "message") {
      if (messageByExternalId(room.sql, room.id, e.id)) continue;
      room.record({ clientId: null, channel: "messenger", direction: "inbound", author: { kind: "contact", id: null, name: null }, text: e.text, externalId: e.id, at: e.at });
    } else if (e.kind === "echo") {
      // Our own reply, echoed: matched by the metadata we sent (the echo may beat the Send API's answer).
      const ours = e.metadata ? messageById(room.sql, room.id, e.metadata) : null;
      if (ours) {
        const status = ours.status === "sending" || ours.status === "failed" ? "sent" : ours.status;
        const changed = setMessageStatus(room.sql, room.id, ours.seq, status, null, e.id);
        if (changed) room.statusChanged(changed);
        continue;
      }
      if (messageByExternalId(room.sql, room.id, e.id)) continue;
      room.record({ clientId: null, channel: "messenger", direction: "outbound", author: PAGE, text: e.text, externalId: e.id, at: e.at });
    } else if (e.kind === "delivery" || e.kind === "read") {
      for (const m of applyReceipt(room.sql, room.id, e.watermark, e.kind === "read" ? "read" : "delivered")) room.statusChanged(m);
    }
  }
}


/**
 * S26: checks Meta's window first (refusing with a reason, storing nothing), stores the reply as
 * "sending", calls the Send API, and records sent (with its mid) or failed (with the reason). Sending
 * the same client id again answers the original, or retries it if it failed.
 */
export async function sendMessengerReply(room: RoomAccess, env: Env, input: { clientId: string; text: string; author: Author }): Promise<Reply> {
  const s = room.state();
  if (s.channel !== "messenger" || !s.messengerPsid) return { ok: false, reason: "This conversation did not start on Messenger." };
  const earlier = messageByClientId(room.sql, room.id, input.clientId);
  if (earlier && earlier.status !== "failed") return { ok: true, message: earlier, duplicate: true };

  const policy = replyPolicy(s.lastInboundAt, now(), env.MESSENGER_HUMAN_AGENT === "true");
  if (!policy.ok) return { ok: false, reason: policy.reason };

  let message: Message;
  if (earlier) {
    message = setMessageStatus(room.sql, room.id, earlier.seq, "sending") ?? earlier;
    room.statusChanged(message);
  } else {
    message = room.record({ clientId: input.clientId, channel: "messenger", direction: "outbound", author: input.author, text: input.text, status: "sending" });
  }

  const result = await sendText(
    { baseUrl: env.MESSENGER_GRAPH_URL, pageToken: env.MESSENGER_PAGE_TOKEN },
    { psid: s.messengerPsid, text: message.text, metadata: message.id, tag: policy.messagingType === "MESSAGE_TAG" ? policy.tag : null },
  );
  // An echo or a receipt may have moved the message on while we waited: only "sending" becomes "sent".
  const current = messageById(room.sql, room.id, message.id)!;
  const changed = result.ok
    ? setMessageStatus(room.sql, room.id, current.seq, current.status === "sending" ? "sent" : current.status, null, result.messageId)
    : setMessageStatus(room.sql, room.id, current.seq, "failed", result.reason);
  if (changed) room.statusChanged(changed);
  return { ok: true, message: changed ?? current, duplicate: false };
}
