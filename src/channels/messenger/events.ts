import { z } from "zod";

/** The parts of a webhook body we read. Everything else is allowed and ignored, never an error. */
const party = z.looseObject({ id: z.union([z.string(), z.number()]).transform(String) });
const attachment = z.looseObject({
  type: z.string(),
  payload: z
    .looseObject({
      url: z.string().nullish(),
      sticker_id: z.unknown().optional(),
      coordinates: z.looseObject({ lat: z.number(), long: z.number() }).nullish(),
      template_type: z.string().optional(),
    })
    .nullish(),
  title: z.string().nullish(),
  URL: z.string().nullish(),
  url: z.string().nullish(),
});
const message = z.looseObject({
  mid: z.string(),
  text: z.string().optional(),
  is_echo: z.boolean().optional(),
  app_id: z.union([z.string(), z.number()]).nullish(),
  metadata: z.string().nullish(),
  quick_reply: z.looseObject({ payload: z.string() }).optional(),
  attachments: z.array(attachment).optional(),
  sticker_id: z.unknown().optional(),
});
const item = z.looseObject({
  sender: party,
  recipient: party,
  timestamp: z.number().optional(),
  message: message.optional(),
  postback: z
    .looseObject({ title: z.string().nullish(), payload: z.string().nullish(), mid: z.string().optional() })
    .optional(),
  delivery: z.looseObject({ watermark: z.number(), mids: z.array(z.string()).optional() }).optional(),
  read: z.looseObject({ watermark: z.number() }).optional(),
});
export const webhookBody = z.looseObject({
  object: z.literal("page", "Only Page webhooks are accepted"),
  entry: z.array(
    z.looseObject({
      id: z.union([z.string(), z.number()]).transform(String),
      time: z.number().optional(),
      messaging: z.array(z.unknown()).optional(),
      standby: z.array(z.unknown()).optional(),
    }),
  ),
});
export type WebhookBody = z.infer<typeof webhookBody>;

/** One thing that happened, for one person (page-scoped id `psid`) of one Page. */
export type MessengerEvent =
  | { kind: "message"; psid: string; id: string; at: number; text: string }
  | { kind: "echo"; psid: string; id: string; at: number; text: string; metadata: string | null }
  | { kind: "delivery"; psid: string; watermark: number; mids: string[] }
  | { kind: "read"; psid: string; watermark: number }
  | { kind: "ignored"; reason: string };

/**
 * Turns a verified webhook body into events, in order. Items in `standby` (another app owns the
 * thread) and items we do not handle (opt-ins, referrals, handovers, empty envelopes) become `ignored`.
 */
export function webhookEvents(body: WebhookBody, receivedAt: number): MessengerEvent[] {
  const events: MessengerEvent[] = [];
  for (const entry of body.entry) {
    for (const _ of entry.standby ?? [])
      events.push({ kind: "ignored", reason: "standby: another app owns this thread" });
    for (const raw of entry.messaging ?? []) events.push(toEvent(raw, entry.time ?? receivedAt));
  }
  return events;
}

function toEvent(raw: unknown, entryTime: number): MessengerEvent {
  const parsed = item.safeParse(raw);
  if (!parsed.success) return { kind: "ignored", reason: "not a messaging item we read" };
  const it = parsed.data;
  const at = it.timestamp ?? entryTime;
  if (it.message?.is_echo) {
    // The Page is the sender of its own echoes; the person is the recipient.
    return {
      kind: "echo",
      psid: it.recipient.id,
      id: it.message.mid,
      at,
      text: messageText(it.message),
      metadata: it.message.metadata ?? null,
    };
  }
  if (it.message) return { kind: "message", psid: it.sender.id, id: it.message.mid, at, text: messageText(it.message) };
  if (it.postback) {
    const p = it.postback;
    const label = [p.title, p.payload ? `(${p.payload})` : null].filter(Boolean).join(" ");
    // Postbacks carry no mid in older payloads: the person and the moment identify them.
    return {
      kind: "message",
      psid: it.sender.id,
      id: p.mid ?? `postback:${it.sender.id}:${at}`,
      at,
      text: `[button] ${label}`,
    };
  }
  if (it.delivery)
    return { kind: "delivery", psid: it.sender.id, watermark: it.delivery.watermark, mids: it.delivery.mids ?? [] };
  if (it.read) return { kind: "read", psid: it.sender.id, watermark: it.read.watermark };
  const what = Object.keys(it).filter((k) => !["sender", "recipient", "timestamp"].includes(k));
  return {
    kind: "ignored",
    reason: what.length ? `${what.join(", ")} events are not handled` : "empty messaging item",
  };
}

/** Text, quick-reply payloads and attachments as readable text: nothing a person sent is dropped. */
export function messageText(m: z.infer<typeof message>): string {
  const parts: string[] = [];
  if (m.text) parts.push(m.text);
  if (m.quick_reply) parts.push(`[quick reply: ${m.quick_reply.payload}]`);
  for (const a of m.attachments ?? []) parts.push(attachmentText(a));
  if (parts.length === 0 && m.sticker_id !== undefined) parts.push("[sticker]");
  return parts.join("\n") || "[empty message]";
}

function attachmentText(a: z.infer<typeof attachment>): string {
  const url = a.payload?.url ?? a.URL ?? a.url ?? null;
  if (a.type === "image" && a.payload?.sticker_id !== undefined) return `[sticker] ${url ?? ""}`.trim();
  if (a.type === "location" && a.payload?.coordinates) {
    const { lat, long } = a.payload.coordinates;
    return `[location] ${lat}, ${long} https://www.openstreetmap.org/?mlat=${lat}&mlon=${long}`;
  }
  if (a.type === "fallback") return ["[link]", a.title, url].filter(Boolean).join(" ");
  if (a.type === "template") return `[template${a.payload?.template_type ? `: ${a.payload.template_type}` : ""}]`;
  return [`[${a.type}]`, url].filter(Boolean).join(" ");
}
