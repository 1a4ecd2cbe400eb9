/**
 * S22: inbound HTML made safe to show, with the workerd built-in HTMLRewriter. An allow-list of
 * elements and attributes: dangerous elements go with their content, unknown ones are unwrapped
 * (their text stays). Remote images are blocked (kept as `data-remote-src`), `cid:` images become
 * `data-cid`. The result is safe without the sandboxed iframe and its `default-src 'none'` CSP the
 * inbox shows it in; those stay as a second wall.
 *
 * The parser-confusion rules: raw-text elements (style aside) go whole, because their text would be
 * markup once unwrapped; style text is written back without a single `<`, so nothing in it can close
 * the element, however a removal re-assembles it (`</st</styleyle>`). Our own output can be fed back
 * in (stored HTML is cleaned again each time it is served): `data-remote-src`, `data-remote-background`
 * and `data-cid` are read like the attributes they stand for.
 */
import { decodeEntities } from "./entities";

/** Removed together with their content. */
const DROP = new Set(
  "script iframe frame frameset object embed applet base link meta title noscript noembed noframes xmp plaintext template svg math audio video source track canvas input button select textarea option optgroup datalist param portal dialog xml".split(
    " ",
  ),
);
const KEEP = new Set(
  "a abbr address area article aside b bdi bdo big blockquote body br caption center cite code col colgroup dd del details dfn div dl dt em figcaption figure font footer h1 h2 h3 h4 h5 h6 head header hr html i img ins kbd label li main map mark nav ol p pre q s samp section small span strike strong style sub summary sup table tbody td tfoot th thead time tr tt u ul var wbr".split(
    " ",
  ),
);
const ATTRIBUTES = new Set(
  "align alt bgcolor border cellpadding cellspacing class color cols colspan coords dir face headers height hspace lang nowrap rowspan rules scope shape size span start style summary title type valign value vspace width".split(
    " ",
  ),
);
const URL_ATTRIBUTES = new Set([
  "href",
  "src",
  "background",
  "action",
  "formaction",
  "poster",
  "cite",
  "longdesc",
  "usemap",
  "xlink:href",
  "data",
  "data-remote-src",
  "data-remote-background",
  "data-cid",
]);

/** A URL attribute's value as the browser would read it: entities decoded, control characters and spaces removed. */
function normalisedUrl(raw: string): string {
  return decodeEntities(raw)
    .replace(/[\u0000-\u0020\u007f-\u009f]+/g, "")
    .toLowerCase();
}

const SAFE_LINK = /^(https?:|mailto:|tel:|#)/;
const SAFE_DATA_IMAGE = /^data:image\/(png|gif|jpe?g|webp|bmp);/;

/**
 * Every construct cleanCss rewrites needs one of these; CSS without any is returned as it is, which
 * spares most inline styles of a newsletter ten regex passes each.
 */
const MAYBE_UNSAFE_CSS = /[\\<\u0000]|\/\*|url|expression|import|behavior|binding|script:/i;

/** CSS without script-capable constructs or remote loads. Escapes are decoded first: `u\72l(` is `url(`. */
export function cleanCss(css: string): string {
  if (!MAYBE_UNSAFE_CSS.test(css)) return css;
  return css
    .replace(/\\([0-9a-fA-F]{1,6})[ \t\n\f\r]?/g, (_m, hex: string) => {
      const code = parseInt(hex, 16);
      return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : "";
    })
    .replace(/\\(.)/g, "$1")
    .replace(/\u0000/g, "")
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/@import[^;]*;?/gi, "")
    .replace(/expression\s*\(/gi, "blocked(")
    .replace(/(behavior|-moz-binding)\s*:/gi, "x-blocked:")
    .replace(/javascript:|vbscript:/gi, "blocked:")
    .replace(/url\s*\(\s*(['"]?)(?!data:image\/)[^)]*\)/gi, "none")
    .replace(/<\/?(style|script)/gi, "");
}

/**
 * Sanitises inbound HTML mail. `images`: the agent asked for remote images, so they load (`src`).
 *
 * @example
 * await sanitizeHtml('<img src="https://t.example/p.gif" onerror="x()"><a href="javascript:x()">a</a>')
 * // { html: '<img data-remote-src="https://t.example/p.gif"><a>a</a>', hasRemoteImages: true }
 */
export async function sanitizeHtml(
  html: string,
  { images = false } = {},
): Promise<{ html: string; hasRemoteImages: boolean }> {
  let hasRemoteImages = false;
  let styleText = "";
  const rewriter = new HTMLRewriter()
    .on("*", {
      element(el) {
        const tag = el.tagName.toLowerCase();
        if (DROP.has(tag)) {
          el.remove();
          return;
        }
        if (!KEEP.has(tag)) {
          el.removeAndKeepContent();
          return;
        }
        // Cast: where DOM types are also loaded (the inbox web build), `Element.attributes` means a NamedNodeMap.
        // A snapshot: the loop removes and sets attributes.
        for (const [rawName, value = ""] of [...(el.attributes as unknown as Iterable<[string, string]>)]) {
          const name = rawName.toLowerCase();
          if (name === "style") {
            const decoded = decodeEntities(value);
            const cleaned = cleanCss(decoded);
            if (cleaned !== decoded) el.setAttribute("style", cleaned.replace(/&/g, "&amp;"));
            continue;
          }
          if (URL_ATTRIBUTES.has(name)) {
            el.removeAttribute(rawName);
            const url = normalisedUrl(value);
            const remote = /^https?:/.test(url) || url.startsWith("//");
            if (name === "href" && (tag === "a" || tag === "area") && SAFE_LINK.test(url))
              el.setAttribute("href", value);
            else if ((name === "src" || name === "data-remote-src") && tag === "img") {
              if (remote) {
                el.setAttribute(images ? "src" : "data-remote-src", value);
                hasRemoteImages = true;
              } else if (url.startsWith("cid:"))
                el.setAttribute(
                  "data-cid",
                  decodeEntities(value).trim().slice(4).replace(/^<|>$/g, "").replace(/&/g, "&amp;"),
                );
              else if (SAFE_DATA_IMAGE.test(url)) el.setAttribute("src", value);
            } else if (name === "data-cid" && tag === "img" && /^[^\s"'<>]{1,200}$/.test(decodeEntities(value))) {
              el.setAttribute("data-cid", value);
            } else if ((name === "background" || name === "data-remote-background") && /^https?:/.test(url)) {
              el.setAttribute(images ? "background" : "data-remote-background", value);
              hasRemoteImages = true;
            }
            continue;
          }
          if (!ATTRIBUTES.has(name)) el.removeAttribute(rawName);
        }
        if (tag === "a" && el.hasAttribute("href")) {
          el.setAttribute("rel", "noopener noreferrer");
          el.setAttribute("target", "_blank");
        }
      },
    })
    .on("style", {
      // A style element's CSS arrives in chunks: collect it, then emit it cleaned.
      text(chunk) {
        styleText += chunk.text;
        if (chunk.lastInTextNode) {
          // CSS needs no `<`; without one, nothing in the text can end the element early.
          chunk.replace(cleanCss(styleText).replace(/</g, ""), { html: true });
          styleText = "";
        } else chunk.remove();
      },
    })
    .onDocument({
      comments(c) {
        c.remove();
      },
      doctype() {},
    });
  try {
    const out = await rewriter
      .transform(new Response(html, { headers: { "content-type": "text/html; charset=utf-8" } }))
      .text();
    return { html: out, hasRemoteImages };
  } catch {
    // HTMLRewriter gave up (pathological input): show nothing rather than something unsanitised.
    return { html: "", hasRemoteImages: false };
  }
}
