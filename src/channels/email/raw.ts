/**
 * Repairs applied to raw mail bytes before postal-mime sees them, each for a kind of damage real
 * mail carries: blank lines or an mbox "From " line before the headers, raw 8-bit headers in a
 * legacy charset, encoded-words whose bytes are not in the charset they name, and `format=flowed`
 * (postal-mime joins a quoted flowed line with the unquoted line after it; we unflow ourselves).
 */
import { concatBytes } from "../../lib/crypto";
import { decodeGuessing, decoderFor, hasHighBytes, isUtf8 } from "./charset";
import { byteString, type HeaderField, mediaType, param, parseHeaderBlock } from "./headers";

export interface PreparedMail {
  bytes: Uint8Array;
  /** The top-level header fields (after repairs). */
  headers: HeaderField[];
  /** Offset of the top-level body in `bytes`. */
  bodyStart: number;
  /** Some text part was format=flowed; its text still has to be unflowed. */
  flowed: { delsp: boolean } | null;
  /** Charsets the message declares somewhere: hints for guessing undeclared ones. */
  charsetHints: string[];
  /** `bytes` as a byte string (see byteString), for searching without converting again. */
  text: string;
}

const encoder = new TextEncoder();

/**
 * Address headers longer than this are cut. postal-mime's address tokenizer spends about 1 µs per
 * character (profiled: a 135 KB To header of encoded words took 115 ms, a 25 MiB one would pass the
 * Workers CPU limit); 32 KiB still holds several hundred recipients.
 */
export const MAX_ADDRESS_HEADER = 32 * 1024;
const ADDRESS_HEADER =
  /^(?:from|to|cc|bcc|reply-to|sender|resent-from|resent-to|resent-cc)[ \t]*:[^\n]*(?:\n[ \t][^\n]*)*/gim;

/**
 * Cuts each overlong address header at the last address (comma) or, failing that, the last folded
 * line before MAX_ADDRESS_HEADER, so what is left still parses.
 *
 * @example capAddressHeaders(`To: ${"a@x.example, ".repeat(5000)}b@x.example`) // "To: a@x.example, … a@x.example"
 */
export function capAddressHeaders(headerText: string): string {
  if (headerText.length <= MAX_ADDRESS_HEADER) return headerText;
  return headerText.replace(ADDRESS_HEADER, (field) => {
    if (field.length <= MAX_ADDRESS_HEADER) return field;
    const head = field.slice(0, MAX_ADDRESS_HEADER);
    const comma = head.lastIndexOf(",");
    const fold = head.search(/\r?\n[ \t][^\n]*$/);
    return head.slice(0, comma > 0 ? comma : fold > 0 ? fold : MAX_ADDRESS_HEADER).replace(/[\r\n \t,]+$/, "");
  });
}

/** Where the headers start (after leading blank lines and an mbox "From " line) and where the body starts. */
function locate(s: string): { start: number; headerEnd: number; bodyStart: number } {
  let start = /^[\r\n\t ]*/.exec(s)![0].length;
  // Only skip whole blank lines: a leading space belongs to no header anyway.
  start = s.lastIndexOf("\n", start - 1) + 1;
  if (s.startsWith("From ", start)) {
    const nl = s.indexOf("\n", start);
    start = nl < 0 ? s.length : nl + 1;
  }
  const blank = /\r?\n\r?\n/g;
  blank.lastIndex = start;
  const m = blank.exec(s);
  if (!m) return { start, headerEnd: s.length, bodyStart: s.length };
  return { start, headerEnd: m.index + 1, bodyStart: m.index + m[0].length };
}

/** Relabels encoded-words whose bytes cannot be in their declared charset (e.g. Shift_JIS labelled ISO-2022-JP). */
function relabelEncodedWords(headerText: string, hints: string[]): string {
  return headerText.replace(
    /=\?([^?\s]{1,40})\?([bBqQ])\?([^?\s]*)\?=/g,
    (word, charset: string, enc: string, data: string) => {
      let bytes: Uint8Array;
      try {
        if (enc.toLowerCase() === "b") {
          let clean = data.replace(/[^A-Za-z0-9+/]/g, "");
          if (clean.length % 4 === 1) clean = clean.slice(0, -1);
          bytes = Uint8Array.from(atob(clean.padEnd(Math.ceil(clean.length / 4) * 4, "=")), (c) => c.charCodeAt(0));
        } else {
          const decoded = data
            .replace(/_/g, " ")
            .replace(/=([0-9a-f]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
          bytes = Uint8Array.from(decoded, (c) => c.charCodeAt(0) & 0xff);
        }
      } catch {
        return word;
      }
      const declared = decoderFor(charset.replace(/\*.*$/, ""));
      const seven = /^(iso-2022|us-ascii|ascii)/i.test(charset);
      if (declared && !(seven && hasHighBytes(bytes)) && !declared.decode(bytes).includes("\ufffd")) return word;
      const guess = decodeGuessing(bytes, [charset, ...hints]);
      return guess.text.includes("\ufffd") ? word : `=?${guess.charset}?${enc}?${data}?=`;
    },
  );
}

/** Content-Type headers with format=flowed get an unknown format instead (same length), noting delsp. */
function unflagFlowed(s: string, bytes: Uint8Array): { bytes: Uint8Array; flowed: { delsp: boolean } | null } {
  const re = /format\s*=\s*"?flowed/gi;
  let found = false;
  let delsp = false;
  let out: Uint8Array | null = null;
  for (const m of s.matchAll(re)) {
    const lineStart = s.lastIndexOf("\n", m.index) + 1;
    // The header this parameter belongs to: walk back over folded continuation lines.
    let headerStart = lineStart;
    while (/^[ \t]/.test(s.slice(headerStart, headerStart + 1)) && headerStart > 0)
      headerStart = s.lastIndexOf("\n", headerStart - 2) + 1;
    if (!/^content-type\s*:/i.test(s.slice(headerStart, headerStart + 20))) continue;
    const headerEnd = s.slice(m.index).search(/\n(?![ \t])/);
    const header = s.slice(headerStart, headerEnd < 0 ? s.length : m.index + headerEnd);
    found = true;
    delsp ||= /delsp\s*=\s*"?yes/i.test(header);
    out ??= bytes.slice();
    const at = m.index + m[0].length - "flowed".length;
    out.set(encoder.encode("xfixed"), at);
  }
  return { bytes: out ?? bytes, flowed: found ? { delsp } : null };
}

/**
 * Applies the repairs and returns the bytes to give postal-mime, plus what the later steps need.
 * Never throws.
 *
 * @example const prepared = prepareRaw(raw); await PostalMime.parse(prepared.bytes)
 */
export function prepareRaw(raw: Uint8Array): PreparedMail {
  let s = byteString(raw);
  let { start, headerEnd, bodyStart } = locate(s);
  let bytes = start > 0 ? raw.subarray(start) : raw;
  if (start > 0) {
    s = s.slice(start);
    headerEnd -= start;
    bodyStart -= start;
  }
  const charsetHints = [
    ...new Set(
      [
        ...s.matchAll(/charset\s*=\s*"?([\w.:-]{1,40})/gi),
        ...s.slice(0, headerEnd).matchAll(/=\?([\w.:-]{1,40})(?:\*[\w-]*)?\?[bBqQ]\?/g),
      ].map((m) => m[1]!.toLowerCase()),
    ),
  ].filter((c) => c !== "utf-8" && c !== "us-ascii");

  const headerBytes = bytes.subarray(0, headerEnd);
  let headerText: string;
  if (hasHighBytes(headerBytes) && !isUtf8(headerBytes)) {
    // Guess from the non-ASCII header lines only: the rest is ASCII in every candidate.
    const lines = byteString(headerBytes).split("\n");
    const high = lines.filter((l) => /[^\x00-\x7f]/.test(l)).join("\n");
    const { charset } = decodeGuessing(
      Uint8Array.from(high, (c) => c.charCodeAt(0)),
      charsetHints,
    );
    headerText = (decoderFor(charset) ?? decoderFor("windows-1252")!).decode(headerBytes);
    // A body without a charset is most likely in the headers' one.
    charsetHints.unshift(charset);
  } else {
    headerText = decoderFor("utf-8")!.decode(headerBytes);
    // Raw ISO-2022-JP (7-bit escape sequences, no encoded-word) in headers, as some Japanese mailers write.
    if (/\x1b[$(][@BJ]/.test(headerText))
      headerText = (decoderFor("iso-2022-jp") ?? decoderFor("utf-8")!).decode(headerBytes);
  }
  let repaired = relabelEncodedWords(capAddressHeaders(headerText), charsetHints);
  const fields = parseHeaderBlock(repaired, 2000);
  const type = fields.find((h) => h.name === "content-type")?.value ?? null;
  const boundary = param(type, "boundary");
  // A single-part type that carries a boundary its body really uses: it is a multipart.
  if (boundary && !mediaType(type)?.startsWith("multipart/") && s.includes(`\n--${boundary}`, bodyStart - 1)) {
    repaired = repaired.replace(/^(content-type:[ \t]*)[\w.+-]+\/[\w.+-]+/im, "$1multipart/mixed");
  }
  if (repaired !== decoderFor("utf-8")!.decode(headerBytes)) {
    const newHeader = encoder.encode(repaired);
    bytes = concatBytes(newHeader, bytes.subarray(headerEnd));
    const shift = newHeader.length - headerEnd;
    headerEnd += shift;
    bodyStart += shift;
    s = byteString(newHeader) + s.slice(headerEnd - shift);
  }
  const unflagged = unflagFlowed(s, bytes);
  if (unflagged.bytes !== bytes) s = byteString(unflagged.bytes);
  const headers = parseHeaderBlock(decoderFor("utf-8")!.decode(unflagged.bytes.subarray(0, headerEnd)), 2000);
  return { bytes: unflagged.bytes, headers, bodyStart, flowed: unflagged.flowed, charsetHints, text: s };
}

/** The declared charset of the top-level part, if any. */
export function topCharset(p: PreparedMail): string | null {
  return param(p.headers.find((h) => h.name === "content-type")?.value ?? null, "charset");
}

export function topMediaType(p: PreparedMail): string | null {
  return mediaType(p.headers.find((h) => h.name === "content-type")?.value ?? null);
}

/**
 * RFC 3676 unflowing that respects quote depth: a flowed line joins the next one only at the same
 * depth. Quoted lines come out as `> text` (`>> text` for depth 2).
 *
 * @example unflow("> Hi \nHello", false) // "> Hi \nHello" stays two lines
 */
export function unflow(text: string, delsp: boolean): string {
  const out: string[] = [];
  let open: { depth: number; text: string } | null = null;
  const flush = () => {
    if (open) out.push(open.depth ? `${">".repeat(open.depth)} ${open.text}` : open.text);
    open = null;
  };
  for (const rawLine of text.split("\n")) {
    const line = rawLine.replace(/\r$/, "");
    const depth = /^>*/.exec(line)![0].length;
    let content = line.slice(depth);
    if (content.startsWith(" ")) content = content.slice(1);
    if (open && open.depth !== depth) flush();
    const soft = content.endsWith(" ") && content !== "-- ";
    const piece = soft && delsp ? content.slice(0, -1) : content;
    if (open) open.text += piece;
    else open = { depth, text: piece };
    if (!soft) flush();
  }
  flush();
  return out.join("\n");
}

/**
 * Header blocks of the messages a mail carries (message/rfc822, text/rfc822-headers, message/global):
 * a bounce's returned original, a forward-as-attachment. Read from the raw bytes, since postal-mime
 * renders an inline message without its Message-ID.
 */
export function embeddedHeaderBlocks(p: PreparedMail, max = 5): HeaderField[][] {
  const s = p.text.slice(p.bodyStart, p.bodyStart + 10_000_000);
  const blocks: HeaderField[][] = [];
  const re = /^content-type:[ \t]*(message\/(rfc822|global|global-headers)|text\/rfc822-headers)\b/gim;
  for (const m of s.matchAll(re)) {
    const partHeadersEnd = /\r?\n\r?\n/g;
    partHeadersEnd.lastIndex = m.index;
    const end = partHeadersEnd.exec(s);
    if (!end) continue;
    const from = end.index + end[0].length;
    const raw = Uint8Array.from(s.slice(from, from + 65_536), (c) => c.charCodeAt(0));
    const block = parseHeaderBlock(decodeGuessing(raw, p.charsetHints).text);
    if (block.length) blocks.push(block);
    if (blocks.length >= max) break;
  }
  return blocks;
}
