/**
 * S23: is this mail a person writing, an auto-reply, a bounce or another report?
 *
 * - bounce: a delivery-status report (`multipart/report; report-type=delivery-status` or a
 *   `message/delivery-status` part). Permanent when a recipient's Action is `failed` (else a 5.x.x
 *   Status); a delay notice when the Action is `delayed` (else a 4.x.x Status). A DSN that only says
 *   delivered/relayed/expanded is a "report". Non-standard bounces count too: `X-Failed-Recipients`
 *   or `X-MS-Exchange-Message-Is-Ndr`, or mail from MAILER-DAEMON/postmaster/"Mail Delivery System"
 *   whose subject or text reads like a bounce; their status codes (or words like "delayed", "will
 *   retry") decide permanent vs delay. The original Message-ID comes from the returned message or
 *   headers part, else a Message-ID line quoted in the text, else the bounce's In-Reply-To.
 * - report: any other `multipart/report` (read receipts, ARF abuse reports…), `message/disposition-
 *   notification` / `message/feedback-report` parts, TLS reports, DMARC aggregate reports.
 * - auto-reply: one strong sign — `Auto-Submitted` other than "no", `X-Autoreply`, `X-Autorespond`,
 *   `X-Auto-Reply`, `Precedence: auto_reply`, `X-FC-MachineGenerated` — or two weak ones:
 *   `Precedence: bulk|junk`, `X-Auto-Response-Suppress` (All/OOF/AutoReply), a vacation-like subject,
 *   an empty Return-Path. `Precedence: list` and `List-Id` alone are mailing lists: people, "message".
 */
import { byteString, type HeaderField, headerValue, mediaType, messageId, param, parseHeaderBlock } from "./headers";

export interface Bounce {
  permanent: boolean;
  originalMessageId: string | null;
  recipient: string | null;
  reason: string | null;
}

export type Classification =
  | { kind: "message" | "auto-reply" | "report"; bounce: null }
  | { kind: "bounce"; bounce: Bounce };

export interface ClassifyInput {
  /** Top-level headers. */
  headers: HeaderField[];
  subject: string | null;
  fromAddress: string | null;
  fromName: string | null;
  text: string;
  /** Parts kept as attachments (postal-mime keeps report parts as attachments). */
  parts: { mimeType: string; content: Uint8Array }[];
  /** Header blocks of the returned/attached messages (message/rfc822, text/rfc822-headers), found in the raw mail. */
  embeddedHeaders: HeaderField[][];
  inReplyTo: string[];
}

const DSN_TYPES = new Set(["message/delivery-status", "message/global-delivery-status"]);
const REPORT_TYPES = new Set([
  "message/disposition-notification",
  "message/global-disposition-notification",
  "message/feedback-report",
  "application/tlsrpt+json",
  "application/tlsrpt+gzip",
]);
const BOUNCE_SUBJECT =
  /undeliver|undelivered|delivery (status notification|failure|failed|has failed|problem|incomplete)|failure notice|returned mail|mail delivery failed|could not be delivered|non-?delivery|nondeliverable|not delivered|unzustellbar|nicht zugestellt|non remis|non distribu|non recapitabile|no se (puede|pudo) entregar|onbestelbaar|delayed mail|delivery delayed|message delayed|warning: could not send|returned to sender|mail system error/i;
const DELAY_WORDS =
  /\b(delay(ed)?|will (be )?retr(y|ied)|still (be(ing)? )?(retried|trying|queued)|not yet (been )?delivered|temporar(y|ily)|deferred|verzögert|retard(é|e))\b/i;
const VACATION_SUBJECT =
  /^(auto(matic)?[ -]?(reply|response|antwort|svar)|out of (the )?office|abwesen|automatische antwort|r[ée]ponse automatique|absence|respuesta autom[áa]tica|fuera de la oficina|risposta automatica|fuori ufficio|automatisch antwoord|afwezig|autosvar|frånvaro|vacation|on vacation|away from)/i;

/** The per-recipient field groups of a DSN (RFC 3464), from its part or, without one, the text. */
function dsnRecipients(content: string): HeaderField[][] {
  return content
    .replace(/\r\n/g, "\n")
    .split(/\n[ \t]*\n/)
    .map((b) => parseHeaderBlock(b))
    .filter((b) => b.some((f) => f.name === "action" || f.name === "final-recipient"));
}

function addressOf(value: string | null): string | null {
  if (!value) return null;
  const v = value.replace(/^\s*[\w-]+\s*;\s*/, "").trim();
  return v.replace(/^<|>$/g, "") || null;
}

function statusClass(text: string): "5" | "4" | null {
  const codes = [...text.matchAll(/(?<![\d.])([245])\.\d{1,3}\.\d{1,3}(?![\d.])/g)].map((m) => m[1]);
  if (codes.includes("5")) return "5";
  if (codes.includes("4")) return "4";
  return null;
}

function originalMessageId(input: ClassifyInput, ownId: string | null): string | null {
  for (const block of input.embeddedHeaders) {
    const id = messageId(headerValue(block, "message-id"));
    if (id && id !== ownId) return id;
  }
  for (const m of input.text.matchAll(/^[>\s]*Message-ID:\s*<([^<>\s]+)>/gim)) {
    if (m[1] !== ownId) return m[1]!;
  }
  return input.inReplyTo[0] ?? null;
}

function dsnBounce(input: ClassifyInput, content: Uint8Array | null): Classification {
  const recipients = dsnRecipients(content ? byteString(content) : input.text);
  const action = (r: HeaderField[]) => (headerValue(r, "action") ?? "").toLowerCase().split(/[\s(]/)[0];
  const failed = recipients.find((r) => action(r) === "failed");
  const delayed = recipients.find((r) => action(r) === "delayed");
  const actions = recipients.map(action).filter(Boolean);
  if (
    !failed &&
    !delayed &&
    actions.length &&
    actions.every((a) => ["delivered", "relayed", "expanded"].includes(a!))
  ) {
    return { kind: "report", bounce: null };
  }
  const chosen = failed ?? delayed ?? recipients[0] ?? [];
  const status = headerValue(chosen, "status") ?? "";
  const cls = statusClass(status) ?? statusClass(input.text);
  const permanent = failed ? true : delayed ? false : cls !== "4";
  const diagnostic = headerValue(chosen, "diagnostic-code")?.replace(/^\s*[\w-]+\s*;\s*/, "") ?? null;
  return {
    kind: "bounce",
    bounce: {
      permanent,
      originalMessageId: originalMessageId(input, messageId(headerValue(input.headers, "message-id"))),
      recipient:
        addressOf(headerValue(chosen, "final-recipient")) ??
        addressOf(headerValue(chosen, "original-recipient")) ??
        addressOf(headerValue(input.headers, "x-failed-recipients")?.split(",")[0] ?? null),
      reason: (diagnostic || status || null)?.slice(0, 500) ?? null,
    },
  };
}

function looseBounce(input: ClassifyInput): Classification | null {
  const local = (input.fromAddress ?? "").split("@")[0]!.toLowerCase();
  const daemon =
    ["mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon"].includes(local) ||
    /^mail (delivery (system|subsystem)|administrator)$/i.test(input.fromName ?? "");
  const failedHeader = headerValue(input.headers, "x-failed-recipients");
  const ndr = headerValue(input.headers, "x-ms-exchange-message-is-ndr") !== null;
  const subject = input.subject ?? "";
  const nullSender = /^\s*<\s*>\s*$/.test(headerValue(input.headers, "return-path") ?? "x");
  const reads = BOUNCE_SUBJECT.test(subject) || BOUNCE_SUBJECT.test(input.text.slice(0, 2000));
  if (!(failedHeader || ndr || (daemon && reads) || (nullSender && BOUNCE_SUBJECT.test(subject)))) return null;
  const head = input.text.slice(0, 4000);
  const cls = statusClass(head);
  const permanent = cls === "5" ? true : cls === "4" ? false : !(DELAY_WORDS.test(subject) || DELAY_WORDS.test(head));
  const recipientLine = /^\s*<?([^\s<>@:"]+@[^\s<>:"]+?)>?:?\s*$/m.exec(head);
  const reasonLine = head
    .split("\n")
    .find((l) => /(?<![\d.])[45]\d\d(?![\d.])|(?<![\d.])[45]\.\d{1,3}\.\d{1,3}(?![\d.])/.test(l));
  return {
    kind: "bounce",
    bounce: {
      permanent,
      originalMessageId: originalMessageId(input, messageId(headerValue(input.headers, "message-id"))),
      recipient: addressOf(failedHeader?.split(",")[0] ?? null) ?? recipientLine?.[1] ?? null,
      reason: reasonLine?.trim().slice(0, 500) ?? null,
    },
  };
}

function isReport(input: ClassifyInput, contentType: string | null): boolean {
  if (mediaType(contentType) === "multipart/report") return true;
  if (
    input.parts.some((p) => REPORT_TYPES.has(p.mimeType.toLowerCase())) ||
    REPORT_TYPES.has(mediaType(contentType) ?? "")
  )
    return true;
  if (headerValue(input.headers, "tls-report-domain") || headerValue(input.headers, "tls-report-submitter"))
    return true;
  if (/mdn/i.test(headerValue(input.headers, "content-class") ?? "")) return true;
  const dmarcAggregate = /^\s*report domain:.*submitter:/i.test(input.subject ?? "");
  return dmarcAggregate && input.parts.some((p) => /zip|gzip/.test(p.mimeType));
}

function autoReplySigns(input: ClassifyInput): { strong: boolean; weak: number } {
  const h = (name: string) => headerValue(input.headers, name);
  const yes = (v: string | null) => v !== null && !/^\s*(no|false|0)\s*$/i.test(v);
  const autoSubmitted = (h("auto-submitted") ?? "").split(";")[0]!.trim().toLowerCase();
  const precedence = (h("precedence") ?? "").trim().toLowerCase();
  const strong =
    (autoSubmitted !== "" && autoSubmitted !== "no") ||
    yes(h("x-autoreply")) ||
    yes(h("x-autorespond")) ||
    yes(h("x-auto-reply")) ||
    yes(h("x-autoresponder")) ||
    precedence === "auto_reply" ||
    /^\s*true\s*$/i.test(h("x-fc-machinegenerated") ?? "");
  let weak = 0;
  if (precedence === "bulk" || precedence === "junk") weak++;
  if (/\b(all|oof|autoreply)\b/i.test(h("x-auto-response-suppress") ?? "")) weak++;
  if (VACATION_SUBJECT.test((input.subject ?? "").replace(/^\s*((re|aw|sv|antw)\s*:\s*)+/i, ""))) weak++;
  if (/^\s*<\s*>\s*$/.test(h("return-path") ?? "x")) weak++;
  return { strong, weak };
}

/**
 * @example classify({ headers: [{ name: "auto-submitted", value: "auto-replied" }], … }) // { kind: "auto-reply", bounce: null }
 */
export function classify(input: ClassifyInput): Classification {
  const contentType = headerValue(input.headers, "content-type");
  const reportType = param(contentType, "report-type")?.toLowerCase() ?? null;
  const dsnPart = input.parts.find((p) => DSN_TYPES.has(p.mimeType.toLowerCase()));
  if (dsnPart || (mediaType(contentType) === "multipart/report" && reportType === "delivery-status")) {
    return dsnBounce(input, dsnPart?.content ?? null);
  }
  if (isReport(input, contentType)) return { kind: "report", bounce: null };
  const loose = looseBounce(input);
  if (loose) return loose;
  const signs = autoReplySigns(input);
  if (signs.strong || signs.weak >= 2) return { kind: "auto-reply", bounce: null };
  return { kind: "message", bounce: null };
}
