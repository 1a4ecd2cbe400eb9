/**
 * Text as the search index stores and queries it (S41). FTS5's unicode61 tokenizer splits words at
 * anything that is not a letter or a digit, so a run of Chinese, Japanese or Korean characters would be
 * one long "word" and a 2-character word inside it could never be found. Each CJK character is made a
 * token of its own by a zero-width space after it (invisible in snippets), and a CJK query word becomes
 * the phrase of its characters: "東京" finds "東京都に住む", "주문" finds "주문이".
 *
 * Intl.Segmenter was measured and not used: it leaves Korean words with their particle ("주문이" is one
 * word, so "주문" finds nothing) and splits Japanese by a dictionary that a query of one word may not
 * match, while per-character phrases find every substring.
 */
const CJK = "\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}";
/** Between a CJK character and any letter or digit beside it ("100施設" is "100", "施", "設"). */
const BETWEEN_CJK = new RegExp(`(?<=[${CJK}])(?=[\\p{L}\\p{N}])|(?<=[\\p{L}\\p{N}])(?=[${CJK}])`, "gu");
/** Marks a match in a snippet (private use: stripped from any text before it is indexed). */
export const MARK_START = "\uE000";
export const MARK_END = "\uE001";
const ZWSP = "\u200B";

/** What goes into the index (or a query's phrase): markers removed, CJK characters apart. */
export function indexable(text: string): string {
  return text.replace(/[\uE000\uE001]/g, "").replace(BETWEEN_CJK, ZWSP);
}

/** Whether a word has anything the tokenizer keeps (a letter or a digit). */
export function hasWordCharacters(text: string): boolean {
  return /[\p{L}\p{N}]/u.test(text);
}

/** One piece of a snippet: plain text, or a match to mark. */
export interface SnippetPart {
  text: string;
  match: boolean;
}

/**
 * FTS5's snippet (matches between MARK_START and MARK_END) as parts the client renders as text, never
 * as HTML; the zero-width spaces put between CJK characters are taken out again.
 */
export function snippetParts(snippet: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  for (const [i, piece] of snippet.split(new RegExp(`[${MARK_START}${MARK_END}]`)).entries()) {
    const text = piece.replaceAll(ZWSP, "");
    if (!text) continue;
    const match = i % 2 === 1;
    const last = parts.at(-1);
    if (last && last.match === match) last.text += text;
    else parts.push({ text, match });
  }
  return parts;
}
