/**
 * S18–S23: one raw inbound message (bytes, as an Email Worker receives it) → a structured, safe,
 * classified result. No storage, no routing. postal-mime does the MIME work; around it we repair
 * what real mail breaks (see raw.ts, body.ts), derive text from HTML, fold quotes, sanitise HTML,
 * classify (classify.ts), read Cloudflare's authentication verdict (auth-results.ts) and spot forwards.
 */
import PostalMime, { type Address as PostalAddress, type Email } from "postal-mime";
import { senderAuth } from "./auth-results";
import { fallbackBody } from "./body";
import { type Bounce, classify } from "./classify";
import { detectForward } from "./forwarded";
import { type HeaderField, messageId, messageIds } from "./headers";
import { htmlToText } from "./html-text";
import { foldQuotes } from "./quotes";
import { embeddedHeaderBlocks, prepareRaw, type PreparedMail, topCharset, topMediaType, unflow } from "./raw";
import { plainLabel } from "../../protocol";
import { sanitizeHtml } from "./sanitize";

export type { Bounce } from "./classify";

/** An address as written (compare case-insensitively); `name` null when there is none. */
export interface Address {
  address: string;
  name: string | null;
}
export type MailKind = "message" | "auto-reply" | "bounce" | "report";
/** Cloudflare's verdict on the sender (see auth-results.ts for the trust rule). */
export interface SenderAuth {
  trusted: boolean;
  dmarc: string | null;
  dkim: string | null;
  spf: string | null;
}
export interface InboundAttachment {
  filename: string;
  mimeType: string;
  /** Content-ID without <>, which the sanitised HTML refers to as `data-cid`. */
  contentId: string | null;
  inline: boolean;
  content: Uint8Array;
}
export interface ParsedMail {
  /** Without <>, trimmed; null when missing. */
  messageId: string | null;
  inReplyTo: string[];
  references: string[];
  from: Address | null;
  replyTo: Address | null;
  to: Address[];
  cc: Address[];
  /** Delivered-To / X-Original-To values. */
  deliveredTo: string[];
  subject: string | null;
  /** Epoch ms. */
  date: number | null;
  /** The whole readable text: the text part, else text derived from HTML; never raw HTML. */
  text: string;
  /** The new part of a reply; == text when nothing is folded (and for forwards). */
  reply: string;
  /** What was folded away, or null. */
  quoted: string | null;
  /** Sanitised HTML; null when the mail has no HTML part. */
  html: string | null;
  hasRemoteImages: boolean;
  attachments: InboundAttachment[];
  kind: MailKind;
  /** For kind "bounce", else null. */
  bounce: Bounce | null;
  auth: SenderAuth;
  /** Mail forwarded to us (the forwarder is `from`); the forwarded content stays in `text`. */
  forwarded: { from: Address | null; subject: string | null } | null;
}

const EXTENSIONS: Record<string, string> = {
  "application/pdf": "pdf",
  "message/rfc822": "eml",
  "text/plain": "txt",
  "text/html": "html",
  "text/calendar": "ics",
  "image/jpeg": "jpg",
  "image/jpg": "jpg",
  "image/svg+xml": "svg",
  "application/ms-tnef": "dat",
  "message/delivery-status": "txt",
};

function mailboxes(list: PostalAddress[] | PostalAddress | undefined): Address[] {
  const flat = (Array.isArray(list) ? list : list ? [list] : []).flatMap((a) => (a.group ? a.group : [a]));
  return flat
    .filter((a) => typeof a.address === "string" && a.address.trim() !== "")
    .map((a) => ({ address: a.address.trim(), name: a.name?.trim() ? a.name.trim() : null }));
}

function cleanText(s: string): string {
  return s
    .replace(/\r\n?/g, "\n")
    .replace(/\u0000/g, "")
    .replace(/[ \t]+$/gm, "")
    .replace(/^\n+|\n+$/g, "");
}

function attachmentsOf(email: Email | null): InboundAttachment[] {
  return (email?.attachments ?? []).map((a, i) => {
    const mimeType = (a.mimeType || "application/octet-stream").toLowerCase();
    const content = typeof a.content === "string" ? new TextEncoder().encode(a.content) : new Uint8Array(a.content);
    const ext = EXTENSIONS[mimeType] ?? /^[a-z]+\/([a-z0-9]{1,8})$/.exec(mimeType)?.[1] ?? "bin";
    const filename =
      plainLabel(a.filename?.replace(/[\u0000-\u001f]/g, "") ?? "", 255).trim() || `attachment-${i + 1}.${ext}`;
    return {
      filename,
      mimeType,
      contentId: a.contentId?.trim().replace(/^<|>$/g, "") || null,
      inline: a.disposition === "inline" || a.related === true,
      content,
    };
  });
}

async function readText(
  p: PreparedMail,
  email: Email | null,
  attachments: InboundAttachment[],
): Promise<{ text: string; html: string | null }> {
  let text = email?.text ?? "";
  if (p.flowed) text = unflow(text, p.flowed.delsp);
  let html = email?.html ?? null;
  const single = !(topMediaType(p) ?? "text/plain").startsWith("multipart/");
  const undecodable = single && !topCharset(p) && (text.includes("\ufffd") || (html ?? "").includes("\ufffd"));
  const nothing = !text.trim() && !html?.trim() && attachments.every((a) => a.content.byteLength === 0);
  if (nothing || undecodable) {
    const fallback = fallbackBody(p);
    if (fallback?.isHtml) {
      html = fallback.text;
      text = "";
    } else if (fallback) text = fallback.text;
  }
  if (!text.trim() && html) text = await htmlToText(html);
  return { text: cleanText(text), html };
}

/** Best effort for input postal-mime refuses outright. */
function emptyMail(headers: HeaderField[]): ParsedMail {
  return {
    messageId: messageId(headers.find((h) => h.name === "message-id")?.value),
    inReplyTo: [],
    references: [],
    from: null,
    replyTo: null,
    to: [],
    cc: [],
    deliveredTo: [],
    subject: null,
    date: null,
    text: "",
    reply: "",
    quoted: null,
    html: null,
    hasRemoteImages: false,
    attachments: [],
    kind: "message",
    bounce: null,
    auth: { trusted: false, dmarc: null, dkim: null, spf: null },
    forwarded: null,
  };
}

/**
 * Parses one raw inbound message. Never throws: malformed mail gives a best-effort result (kind
 * "message", empty text…).
 *
 * @example
 * const mail = await parseInbound(new Uint8Array(await new Response(message.raw).arrayBuffer()));
 * if (mail.kind === "bounce" && mail.bounce?.permanent) markFailed(mail.bounce.originalMessageId);
 */
export async function parseInbound(raw: Uint8Array): Promise<ParsedMail> {
  let prepared: PreparedMail;
  try {
    prepared = prepareRaw(raw);
  } catch {
    prepared = { bytes: raw, headers: [], bodyStart: raw.length, flowed: null, charsetHints: [], text: "" };
  }
  try {
    return await parsePrepared(prepared);
  } catch {
    return emptyMail(prepared.headers);
  }
}

async function parsePrepared(p: PreparedMail): Promise<ParsedMail> {
  let email: Email | null = null;
  try {
    email = await PostalMime.parse(p.bytes);
  } catch {
    email = null;
  }
  const headers: HeaderField[] = email?.headers.length
    ? email.headers.map((h) => ({ name: h.key, value: h.value }))
    : p.headers;
  const all = (name: string) => headers.filter((h) => h.name === name).map((h) => h.value);
  const attachments = attachmentsOf(email);
  const { text, html: rawHtml } = await readText(p, email, attachments);
  const from = mailboxes(email?.from)[0] ?? null;
  const subject = email?.subject?.trim() || null;
  const inReplyTo = messageIds(all("in-reply-to").join(" "));
  const embedded = embeddedHeaderBlocks(p);
  const classification = classify({
    headers,
    subject,
    fromAddress: from?.address ?? null,
    fromName: from?.name ?? null,
    text,
    parts: attachments.map((a) => ({ mimeType: a.mimeType, content: a.content })),
    embeddedHeaders: embedded,
    inReplyTo,
  });
  const forwarded =
    classification.kind === "message"
      ? detectForward({
          subject,
          text,
          attached: embedded,
          carriesMessage: embedded.length > 0 || attachments.some((a) => a.mimeType === "message/rfc822"),
        })
      : null;
  const folded = forwarded ? { reply: text, quoted: null } : foldQuotes(text);
  const sanitized = rawHtml ? await sanitizeHtml(rawHtml) : null;
  const dateMs = email?.date ? Date.parse(email.date) : NaN;
  return {
    messageId: messageId(email?.messageId ?? all("message-id")[0]),
    inReplyTo,
    references: messageIds(all("references").join(" ")),
    from,
    replyTo: mailboxes(email?.replyTo)[0] ?? null,
    to: mailboxes(email?.to),
    cc: mailboxes(email?.cc),
    deliveredTo: [
      ...new Set(
        [...all("delivered-to"), ...all("x-original-to")].map((v) => v.trim().replace(/^<|>$/g, "")).filter(Boolean),
      ),
    ],
    subject,
    date: Number.isFinite(dateMs) ? dateMs : null,
    text,
    reply: folded.reply,
    quoted: folded.quoted,
    html: sanitized ? sanitized.html : null,
    hasRemoteImages: sanitized?.hasRemoteImages ?? false,
    attachments,
    kind: classification.kind,
    bounce: classification.bounce,
    auth: senderAuth(headers, from?.address ?? null),
    forwarded,
  };
}
