/**
 * Readable text from HTML mail, with the workerd built-in HTMLRewriter (no DOM in Workers). Blocks
 * become lines, `<blockquote>` content is prefixed with "> " so quote folding sees Gmail/Apple
 * quoted history, and script/style/head content is dropped.
 */
import { decodeEntities } from "./entities";

const BLOCK = new Set(
  "address article aside blockquote center dd div dl dt fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tbody tfoot thead tr ul".split(
    " ",
  ),
);
const SKIP = new Set(["script", "style", "title", "template", "noscript", "svg", "math", "object", "iframe", "xml"]);
const CELL = new Set(["td", "th"]);
const VOID = new Set("area base br col embed hr img input link meta param source track wbr".split(" "));

/** Runs `handler` at the element's end tag; `none` right away when it cannot have one (void or self-closed). */
function onEnd(el: Element, handler: () => void, none: () => void): void {
  if (VOID.has(el.tagName.toLowerCase())) {
    none();
    return;
  }
  try {
    el.onEndTag(handler);
  } catch {
    none();
  }
}

/**
 * @example await htmlToText("<p>Hi &amp; bye</p><blockquote>old</blockquote>") // "Hi & bye\n> old"
 */
export async function htmlToText(html: string): Promise<string> {
  const lines: string[] = [];
  let line = "";
  let depth = 0; // blockquote depth of the line being built
  let skip = 0;
  let pre = 0;
  let pendingSpace = false;
  let buffer = "";

  const breakLine = (blank = false) => {
    const trimmed = line.replace(/[ \t]+$/, "");
    if (trimmed !== "" || blank)
      lines.push(
        trimmed === "" ? (depth ? ">".repeat(depth) : "") : `${depth ? `${">".repeat(depth)} ` : ""}${trimmed}`,
      );
    line = "";
    pendingSpace = false;
  };
  const paragraph = () => {
    breakLine();
    if (lines.length && lines[lines.length - 1] !== "" && !/^>+$/.test(lines[lines.length - 1]!))
      lines.push(depth ? ">".repeat(depth) : "");
  };
  const write = (s: string) => {
    if (skip) return;
    if (pre) {
      const parts = s.split("\n");
      parts.forEach((p, i) => {
        if (i) breakLine(true);
        line += p;
      });
      return;
    }
    for (const piece of s.replace(/[ \t\n\r\f]+/g, " ").split(/( )/)) {
      if (piece === " ") pendingSpace = line !== "";
      else if (piece) {
        if (pendingSpace) line += " ";
        pendingSpace = false;
        line += piece.replace(/\u00a0/g, " ");
      }
    }
  };

  const rewriter = new HTMLRewriter()
    .on("*", {
      element(el) {
        const tag = el.tagName.toLowerCase();
        if (SKIP.has(tag)) {
          skip++;
          onEnd(
            el,
            () => void skip--,
            () => void skip--,
          );
          return;
        }
        if (skip) return;
        if (tag === "br") return breakLine(true);
        if (tag === "hr") return paragraph();
        if (tag === "img") {
          const alt = decodeEntities(el.getAttribute("alt") ?? "").trim();
          if (alt && alt.length < 100) write(` [${alt}] `);
          return;
        }
        if (CELL.has(tag)) {
          pendingSpace = line !== "";
          if (line !== "") line += " ";
          return;
        }
        if (!BLOCK.has(tag) || VOID.has(tag)) return;
        if (tag === "p" || /^h\d$/.test(tag) || tag === "blockquote") paragraph();
        else breakLine();
        if (tag === "li") line = "- ";
        if (tag === "pre") pre++;
        if (tag === "blockquote") depth++;
        onEnd(
          el,
          () => {
            if (tag === "blockquote") {
              breakLine();
              depth = Math.max(0, depth - 1);
            } else if (tag === "p" || /^h\d$/.test(tag)) paragraph();
            else breakLine();
            if (tag === "pre") pre = Math.max(0, pre - 1);
          },
          () => {},
        );
      },
    })
    .onDocument({
      // Every text chunk exactly once; an entity may be split across chunks, so decode whole nodes.
      text(chunk) {
        buffer += chunk.text;
        if (chunk.lastInTextNode) {
          write(decodeEntities(buffer));
          buffer = "";
        }
      },
    });
  await rewriter.transform(new Response(html, { headers: { "content-type": "text/html; charset=utf-8" } })).text();
  breakLine();
  return lines
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .replace(/^\n+|\n+$/g, "");
}
