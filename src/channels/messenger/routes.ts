import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppEnv } from "../../app-env";
import { type ChannelEvent, conversationIdFromKey, conversationStub } from "../../conversation/stub";
import type { Env } from "../../env";
import { constantTimeEqual, sha256, sha256Hex } from "../../lib/crypto";
import { plainLabel } from "../../protocol";
import { now } from "../../lib/clock";
import { ApiError, errorResponse } from "../../lib/errors";
import { type MessengerEvent, webhookBody, webhookEvents } from "./events";
import { fetchName } from "./graph";
import { verifySignature } from "./signature";

/** Meta's webhook bodies are small; anything near this is not from Meta. */
const MAX_WEBHOOK_BYTES = 1024 * 1024;

/** One thread per person (S25): the conversation id follows from the page-scoped id. */
export async function messengerConversationId(psid: string): Promise<string> {
  return conversationIdFromKey(await sha256Hex(`messenger:${psid}`));
}

/** Equal secrets, compared through their digests so neither length nor content leaks by timing. */
async function sameSecret(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([sha256(a), sha256(b)]);
  return constantTimeEqual(x!, y!);
}

/**
 * The Messenger webhook (S24), at /webhooks/messenger. Every event is stored in its conversation
 * object, each once, before we answer 200; if anything fails we answer 500 and Meta delivers the
 * batch again, which repeats nothing.
 */
export const messengerRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const mode = c.req.query("hub.mode");
    const token = c.req.query("hub.verify_token") ?? "";
    const challenge = c.req.query("hub.challenge") ?? "";
    if (
      mode !== "subscribe" ||
      !c.env.MESSENGER_VERIFY_TOKEN ||
      !(await sameSecret(token, c.env.MESSENGER_VERIFY_TOKEN))
    ) {
      throw new ApiError(403, "verification_failed", "Wrong hub.mode or hub.verify_token");
    }
    return c.text(challenge);
  })
  .post(
    "/",
    bodyLimit({
      maxSize: MAX_WEBHOOK_BYTES,
      onError: (c) => errorResponse(c, new ApiError(413, "body_too_large", "Webhook body too large")),
    }),
    async (c) => {
      const raw = await c.req.arrayBuffer();
      if (!(await verifySignature(c.env.MESSENGER_APP_SECRET, raw, c.req.header("x-hub-signature-256") ?? null))) {
        throw new ApiError(401, "bad_signature", "X-Hub-Signature-256 does not match the body");
      }
      let json: unknown;
      try {
        json = JSON.parse(new TextDecoder().decode(raw).replace(/^\uFEFF/, ""));
      } catch {
        throw new ApiError(400, "malformed_request", "The body is not JSON");
      }
      const parsed = webhookBody.safeParse(json);
      if (!parsed.success)
        throw new ApiError(
          400,
          "invalid_request",
          `Not a Page webhook: ${parsed.error.issues[0]?.message ?? "unknown shape"}`,
        );

      const byPerson = new Map<string, PersonEvent[]>();
      for (const e of webhookEvents(parsed.data, now())) {
        if (e.kind === "ignored") continue;
        byPerson.set(e.psid, [...(byPerson.get(e.psid) ?? []), e]);
      }
      const needNames = await Promise.all(
        [...byPerson].map(async ([psid, events]) => {
          const id = await messengerConversationId(psid);
          const stub = conversationStub(c.env, id);
          const received = await stub.receive(events.map(channelEvent), {
            id,
            channel: "messenger",
            messengerPsid: psid,
          });
          const stored = received?.some((r) => r.message && !r.duplicate);
          return stored && (await stub.needsName()) ? { id, psid } : null;
        }),
      );
      // Names are a nicety: fetched after answering, so Meta never waits on the Graph API.
      c.executionCtx.waitUntil(
        nameThreads(
          c.env,
          needNames.filter((n) => n !== null),
        ),
      );
      return c.text("EVENT_RECEIVED");
    },
  );

/** The Page's own tools (Business Suite, the Page inbox) write as the Page. */
const PAGE = { kind: "system", id: null, name: "Page" } as const;

/** S25–S27 in the conversation's terms: messages, echoes of replies (ours matched by the metadata we sent), receipts. */
type PersonEvent = Exclude<MessengerEvent, { kind: "ignored" }>;

function channelEvent(e: PersonEvent): ChannelEvent {
  switch (e.kind) {
    case "message":
      return {
        type: "message",
        message: {
          channel: "messenger",
          clientId: null,
          author: { kind: "contact", id: null, name: null },
          text: e.text,
          externalId: e.id,
          at: e.at,
        },
      };
    case "echo":
      return {
        type: "echo",
        channel: "messenger",
        ourMessageId: e.metadata,
        externalId: e.id,
        text: e.text,
        at: e.at,
        author: PAGE,
      };
    default:
      return {
        type: "receipt",
        channel: "messenger",
        watermark: e.watermark,
        status: e.kind === "read" ? "read" : "delivered",
      };
  }
}

async function nameThreads(env: Env, threads: { id: string; psid: string }[]): Promise<void> {
  for (const { id, psid } of threads) {
    const name = await fetchName({ baseUrl: env.MESSENGER_GRAPH_URL, pageToken: env.MESSENGER_PAGE_TOKEN }, psid);
    await conversationStub(env, id).setPersonName(plainLabel(name ?? `Messenger ${psid}`, 200));
  }
}
