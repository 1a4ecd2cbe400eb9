import type { OutboundChannel } from "../../conversation/stub";
import { now } from "../../lib/clock";
import { sendText } from "./graph";
import { replyPolicy } from "./window";

/**
 * S26: an agent's Messenger reply, through the Send API within Meta's window (refused outside it with
 * the reason, before anything is stored). Our message id travels as metadata, so the echo that may
 * beat the Send API's answer is matched to it (S27).
 */
export const messengerReplies: OutboundChannel = {
  refusal(conversation, env, at) {
    if (conversation.channel !== "messenger" || !conversation.messengerPsid)
      return "This conversation did not start on Messenger.";
    const policy = replyPolicy(conversation.lastInboundAt, at, env.MESSENGER_HUMAN_AGENT === "true");
    return policy.ok ? null : policy.reason;
  },

  async send({ env, conversation, message }) {
    const policy = replyPolicy(conversation.lastInboundAt, now(), env.MESSENGER_HUMAN_AGENT === "true");
    const result = await sendText(
      { baseUrl: env.MESSENGER_GRAPH_URL, pageToken: env.MESSENGER_PAGE_TOKEN },
      {
        psid: conversation.messengerPsid!,
        text: message.text,
        metadata: message.id,
        tag: policy.ok && policy.messagingType === "MESSAGE_TAG" ? policy.tag : null,
      },
    );
    return result.ok ? { ok: true, externalId: result.messageId } : { ok: false, reason: result.reason };
  },
};
