/**
 * Best-effort body text when postal-mime's reading is empty or undecodable: a multipart whose
 * boundaries do not match (or are missing), or a single part whose charset is not declared and whose
 * bytes are not UTF-8 (raw KOI8-R, Latin-1…). Boundary-like lines and part headers are dropped, the
 * transfer encoding is undone where the content really is encoded, and the charset is guessed.
 */
import { decodeGuessing, decoderFor } from "./charset";
import { headerValue, param, parseHeaderBlock } from "./headers";
import type { PreparedMail } from "./raw";

function qpDecode(s: string): Uint8Array {
  const text = s.replace(/=\r?\n/g, "");
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x3d && /^[0-9a-f]{2}$/i.test(text.slice(i + 1, i + 3))) {
      out.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(c & 0xff);
  }
  return new Uint8Array(out);
}

function base64Decode(s: string): Uint8Array | null {
  const clean = s.replace(/[\s]+/g, "");
  if (clean.length < 4 || !/^[A-Za-z0-9+/]+={0,2}$/.test(clean) || clean.length % 4 !== 0) return null;
  try {
    return Uint8Array.from(atob(clean), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

const PART_HEADER = /^content-[\w-]+\s*:/i;
const BOUNDARY_LINE = /^--[^\s]{3,}[ \t]*$/;

/**
 * @example fallbackBody(prepared) // { text: "äöüß ad asd\n\n-Martin", isHtml: false }
 */
export function fallbackBody(p: PreparedMail): { text: string; isHtml: boolean } | null {
  const body = p.text.slice(p.bodyStart, p.bodyStart + 5_000_000);
  const topType = headerValue(p.headers, "content-type");
  let cte = (headerValue(p.headers, "content-transfer-encoding") ?? "").trim().toLowerCase();
  let charset = param(topType, "charset");
  const kept: string[] = [];
  const lines = body.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (BOUNDARY_LINE.test(line)) {
      // Part headers follow a boundary line: read them for the part's encoding and charset, then drop them.
      let j = i + 1;
      while (j < lines.length && (PART_HEADER.test(lines[j]!) || (/^[ \t]+\S/.test(lines[j]!) && j > i + 1))) j++;
      const fields = parseHeaderBlock(lines.slice(i + 1, j).join("\n"));
      cte = (headerValue(fields, "content-transfer-encoding") ?? cte).trim().toLowerCase();
      charset = param(headerValue(fields, "content-type"), "charset") ?? charset;
      i = j - 1;
      continue;
    }
    kept.push(line);
  }
  const content = kept.join("\n").trim();
  if (!content) return null;
  let bytes: Uint8Array;
  if (cte === "base64") bytes = base64Decode(content) ?? Uint8Array.from(content, (c) => c.charCodeAt(0));
  else if (cte === "quoted-printable") bytes = qpDecode(content);
  else bytes = Uint8Array.from(content, (c) => c.charCodeAt(0));
  const declared = charset ? decoderFor(charset) : null;
  const declaredText = declared?.decode(bytes);
  const text =
    declaredText !== undefined && !declaredText.includes("\ufffd")
      ? declaredText
      : decodeGuessing(bytes, p.charsetHints).text;
  return { text, isHtml: /<(html|body|div|p|br|table|span)\b/i.test(text) };
}
