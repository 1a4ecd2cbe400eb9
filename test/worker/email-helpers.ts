import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import type { Env } from "../../src/env";
import worker from "../../src/index";
import { forwardable } from "../support/forwardable";

const encoder = new TextEncoder();

/** Delivers raw mail to the worker's real email() handler. */
export async function deliver(raw: string | Uint8Array, from = "someone@example.org", to = "support@example.com") {
  const bytes = typeof raw === "string" ? encoder.encode(raw.replace(/\r?\n/g, "\r\n")) : raw;
  const { message, outcome } = forwardable(bytes, from, to);
  const ctx = createExecutionContext();
  await (worker as ExportedHandler<Env>).email!(message, env, ctx);
  await waitOnExecutionContext(ctx);
  return outcome;
}

let n = 0;
/** A small RFC 5322 message. */
export function mail(
  h: {
    from: string;
    to?: string;
    subject?: string;
    messageId?: string | null;
    inReplyTo?: string;
    references?: string;
    extra?: string;
  },
  body = "Hello",
) {
  const id = h.messageId === undefined ? `<t${Date.now()}.${++n}@mail.example.org>` : h.messageId;
  return [
    `From: ${h.from}`,
    `To: ${h.to ?? "support@example.com"}`,
    `Subject: ${h.subject ?? "Question"}`,
    `Date: ${new Date().toUTCString()}`,
    ...(id ? [`Message-ID: ${id}`] : []),
    ...(h.inReplyTo ? [`In-Reply-To: ${h.inReplyTo}`] : []),
    ...(h.references ? [`References: ${h.references}`] : []),
    ...(h.extra ? [h.extra] : []),
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "",
    body,
  ].join("\n");
}

export async function conversationOf(messageId: string): Promise<string | null> {
  const row = await env.DB.prepare("SELECT conversation_id FROM email_messages WHERE message_id = ?")
    .bind(messageId)
    .first<{ conversation_id: string }>();
  return row?.conversation_id ?? null;
}

export async function contactCount(): Promise<number> {
  return ((await env.DB.prepare("SELECT count(*) AS n FROM contacts").first()) as { n: number }).n;
}
