/**
 * Charset guessing for bytes that declare none (raw 8-bit headers, bodies without a charset). Real mail
 * does this a lot: KOI8-R or Latin-1 subjects, Shift_JIS inside encoded-words labelled ISO-2022-JP.
 * Every candidate decoding is scored on how much it looks like text in one script with normal casing.
 */

const CANDIDATES = [
  "utf-8",
  "windows-1252",
  "windows-1250",
  "koi8-r",
  "windows-1251",
  "gb18030",
  "big5",
  "shift_jis",
  "euc-jp",
  "euc-kr",
] as const;

/** Charsets one language's mail mixes up: a hint for one favours the others (ISO-2022-JP mail often carries Shift_JIS). */
const FAMILIES: string[][] = [
  ["iso-2022-jp", "shift_jis", "euc-jp"],
  ["gb2312", "gbk", "gb18030"],
  ["koi8-r", "koi8-u"],
  ["windows-1251", "iso-8859-5"],
  ["iso-8859-1", "windows-1252", "iso-8859-15", "us-ascii"],
  ["iso-8859-2", "windows-1250"],
  ["ks_c_5601-1987", "euc-kr"],
];

const decoders = new Map<string, TextDecoder | null>();

/** A TextDecoder for a label, or null when the runtime does not know it. Never throws. */
export function decoderFor(label: string, fatal = false): TextDecoder | null {
  const key = `${label.toLowerCase()}|${fatal}`;
  if (!decoders.has(key)) {
    let d: TextDecoder | null = null;
    try {
      d = new TextDecoder(label.toLowerCase(), { fatal, ignoreBOM: false });
    } catch {
      d = null;
    }
    decoders.set(key, d);
  }
  return decoders.get(key) ?? null;
}

export function isUtf8(bytes: Uint8Array): boolean {
  try {
    decoderFor("utf-8", true)!.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

export function hasHighBytes(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! > 0x7f) return true;
  return false;
}

const LETTER = /\p{L}/u;
const WORD = /[\p{L}\p{M}]+/gu;
const SCRIPTS: [string, RegExp][] = [
  ["latin", /\p{Script=Latin}/u],
  ["cyrillic", /\p{Script=Cyrillic}/u],
  ["greek", /\p{Script=Greek}/u],
  ["cjk", /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u],
];
const COMMON_PUNCT = new Set("«»‹›–—‘’‚“”„…•€°§·×");

/** Higher is more plausible. Exported for tests. */
export function plausibility(text: string): number {
  let score = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) continue;
    if (c === 0xfffd) score -= 10;
    else if (c < 0xa0 || (c >= 0xe000 && c <= 0xf8ff)) score -= 5;
    else if (c >= 0xff61 && c <= 0xff9f)
      score -= 1; // half-width katakana: what Shift_JIS makes of other bytes
    else if (/[\p{Script=Hiragana}\p{Script=Katakana}]/u.test(ch)) score += 2;
    else if (/[\p{Script=Han}\p{Script=Hangul}\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Thai}]/u.test(ch)) score += 1;
    else if (!LETTER.test(ch) && !/\s/u.test(ch)) score -= COMMON_PUNCT.has(ch) ? 0.5 : 2;
  }
  for (const [word] of text.matchAll(WORD)) {
    if (!/[^\x00-\x7f]/.test(word) || [...word].length < 2) continue;
    const scripts = SCRIPTS.filter(([, re]) => re.test(word)).length;
    if (scripts > 1) {
      score -= 3;
      continue;
    }
    const letters = [...word];
    // Latin words carry a few accented letters among ASCII ones; "ôåóô" is another charset's text.
    if (
      scripts === 1 &&
      /\p{Script=Latin}/u.test(word) &&
      letters.length >= 3 &&
      letters.filter((l) => l > "\x7f").length * 2 > letters.length
    ) {
      score -= 2;
      continue;
    }
    const lower = word.toLowerCase();
    const upper = word.toUpperCase();
    if (lower === upper) continue; // no case (CJK…): scored per character above
    const rest = word.slice(1);
    if (word === lower || (rest === rest.toLowerCase() && word[0] !== lower[0])) score += 2;
    else if (word === upper) score += 1;
    else score -= 2;
  }
  return score;
}

/**
 * The most plausible decoding of bytes that declare no (or a wrong) charset: UTF-8 when valid, else the
 * best-scoring candidate; `hints` (charsets the same message declares elsewhere) break near-ties.
 *
 * @example decodeGuessing(koi8Bytes, []) // { charset: "koi8-r", text: "тест" }
 */
export function decodeGuessing(bytes: Uint8Array, hints: string[]): { charset: string; text: string } {
  if (!hasHighBytes(bytes) || isUtf8(bytes)) return { charset: "utf-8", text: decoderFor("utf-8")!.decode(bytes) };
  // Candidates are scored on the first 64 KiB: enough to tell, and bounded.
  const sample = bytes.subarray(0, 65_536);
  // Mostly valid UTF-8 with a few broken bytes is UTF-8.
  const asUtf8 = decoderFor("utf-8")!.decode(sample);
  const broken = asUtf8.split("\ufffd").length - 1;
  const multibyte = [...asUtf8].filter((c) => c > "\x7f" && c !== "\ufffd").length;
  if (multibyte >= 4 * broken)
    return { charset: "utf-8", text: sample.length === bytes.length ? asUtf8 : decoderFor("utf-8")!.decode(bytes) };
  const exact = new Set(hints.map((h) => h.toLowerCase()));
  const family = new Set<string>();
  for (const h of exact) for (const f of FAMILIES) if (f.includes(h)) for (const x of f) family.add(x);
  const labels = [...new Set([...hints.map((h) => h.toLowerCase()), ...CANDIDATES])];
  let best: { charset: string; text: string; score: number } | null = null;
  const nonAscii = sample.reduce((n, b) => n + (b > 0x7f ? 1 : 0), 0);
  for (const label of labels) {
    const d = decoderFor(label);
    if (!d) continue;
    const text = d.decode(sample);
    const bonus = exact.has(label) ? Math.max(1, nonAscii) : family.has(label) ? Math.max(0.5, nonAscii * 0.25) : 0;
    const score = plausibility(text) + bonus;
    if (!best || score > best.score) best = { charset: d.encoding, text, score };
  }
  const charset = best?.charset ?? "utf-8";
  return { charset, text: sample.length === bytes.length && best ? best.text : decoderFor(charset)!.decode(bytes) };
}
