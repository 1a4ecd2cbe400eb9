/**
 * S19: mail forwarded to the support address. The forwarder is the sender; we report who wrote the
 * forwarded message and its subject when the mail shows them. A mail is a forward when its text has
 * a forward marker ("---------- Forwarded message ---------", "Begin forwarded message:", KMail's
 * "Forwarded Message"… in many languages), when its subject says so (Fwd:, WG:, TR:, RV:…), or when
 * it carries a whole message (message/rfc822) and its subject is not a reply's.
 */
import { addressParser, decodeWords } from "postal-mime";
import { type HeaderField, headerValue } from "./headers";
import {
  FORWARD_MARKER,
  FORWARD_SUBJECT,
  FROM_HEADER,
  FROM_HEADER_VALUE,
  MAX_HEADER_LINE,
  OTHER_HEADER,
  QUOTED,
  REPLY_SUBJECT,
  SUBJECT_HEADER,
} from "./patterns";

export interface ForwardAddress {
  address: string;
  name: string | null;
}

export interface Forwarded {
  from: ForwardAddress | null;
  subject: string | null;
}

/** "Name <addr>", "Name [mailto:addr]", "addr": the first mailbox, or null. */
export function parseAddress(value: string | null): ForwardAddress | null {
  if (!value) return null;
  const v = value
    .replace(/\[mailto:([^\]\s]+)\]/i, "<$1>")
    .replace(/<mailto:[^>]*>/gi, "")
    .replace(/\*/g, "")
    .trim();
  try {
    for (const a of addressParser(v, { flatten: true })) {
      if (a.address?.includes("@"))
        return { address: a.address, name: a.name ? decodeWords(a.name).trim() || null : null };
    }
  } catch {
    // fall through to the plain search below
  }
  const m = /[^\s<>"'()[\]]+@[^\s<>"'()[\]]+/.exec(v);
  return m ? { address: m[0], name: null } : null;
}

const unquote = (l: string) => l.replace(/^([ \t]*>)+[ \t]?/, "");

/** From and Subject of the header block starting within a few lines after `start`. */
function headerBlockAfter(lines: string[], start: number): Forwarded | null {
  let from: ForwardAddress | null = null;
  let subject: string | null = null;
  let seen = 0;
  for (let i = start; i < Math.min(lines.length, start + 14); i++) {
    const line = unquote(lines[i]!);
    if (line.trim() === "") {
      if (seen) break;
      continue;
    }
    if (line.length > MAX_HEADER_LINE * 2) break;
    const fromValue = FROM_HEADER_VALUE.exec(line);
    const subjectValue = SUBJECT_HEADER.exec(line);
    if (fromValue) {
      // Outlook wraps long From lines: "From: Name" / "<addr>".
      const next = lines[i + 1] ? unquote(lines[i + 1]!) : "";
      from = parseAddress(fromValue[1]!) ?? parseAddress(`${fromValue[1]} ${/^\s*[<[]/.test(next) ? next : ""}`);
      seen++;
    } else if (subjectValue) {
      subject = subjectValue[2]!.replace(/\*+$/, "").trim() || null;
      seen++;
    } else if (OTHER_HEADER.test(line)) seen++;
    else if (seen && !/^\s*[<[]/.test(line)) break;
  }
  return seen ? { from, subject } : null;
}

/** The first header block in the text (a From line with header lines below), e.g. postal-mime's rendering of an inline message. */
function firstHeaderBlock(lines: string[]): Forwarded | null {
  for (let i = 0; i < lines.length; i++) {
    const line = unquote(lines[i]!);
    if (line.length <= MAX_HEADER_LINE && FROM_HEADER.test(line)) {
      const block = headerBlockAfter(lines, i);
      if (block && (block.from || block.subject)) return block;
    }
  }
  return null;
}

function fromEmbedded(block: HeaderField[]): Forwarded {
  const subject = headerValue(block, "subject");
  return {
    from: parseAddress(headerValue(block, "from")),
    subject: subject ? decodeWords(subject).trim() || null : null,
  };
}

/**
 * @example
 * detectForward({ subject: "Fwd: Invoice", text: "FYI\n\n---------- Forwarded message ---------\nFrom: Ana <ana@example.com>\nSubject: Invoice", attached: [] })
 * // { from: { address: "ana@example.com", name: "Ana" }, subject: "Invoice" }
 */
export function detectForward(input: {
  subject: string | null;
  text: string;
  attached: HeaderField[][];
  carriesMessage: boolean;
}): Forwarded | null {
  const lines = input.text.split("\n");
  const marker = lines.findIndex((l) => l.length <= MAX_HEADER_LINE && !QUOTED.test(l) && FORWARD_MARKER.test(l));
  if (marker >= 0) return headerBlockAfter(lines, marker + 1) ?? { from: null, subject: null };
  const subject = input.subject ?? "";
  const forwardSubject = FORWARD_SUBJECT.test(subject);
  if (!forwardSubject && (!input.carriesMessage || REPLY_SUBJECT.test(subject))) return null;
  const embedded = input.attached.find((b) => headerValue(b, "from") || headerValue(b, "subject"));
  if (embedded) return fromEmbedded(embedded);
  const block = firstHeaderBlock(lines);
  if (block) return block;
  return { from: null, subject: forwardSubject ? subject.replace(FORWARD_SUBJECT, "").trim() || null : null };
}
