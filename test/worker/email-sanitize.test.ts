import { describe, expect, it } from "vitest";
import { htmlToText } from "../../src/channels/email/html-text";
import { parseInbound } from "../../src/channels/email/inbound";
import { sanitizeHtml } from "../../src/channels/email/sanitize";
import { corpusBytes, corpusNames } from "./corpus";

/** What must never survive sanitising, whatever the input. */
function assertInert(html: string, where = "") {
  expect(html, where).not.toMatch(
    /<\s*(script|iframe|object|embed|form|base|link|meta|frame|applet|svg|math|input|button|textarea)\b/i,
  );
  expect(html, where).not.toMatch(/\son[a-z]+\s*=/i);
  expect(html, where).not.toMatch(/javascript:|vbscript:/i);
  expect(html, where).not.toMatch(
    /\s(src|href|action|formaction|srcset)\s*=\s*["']?\s*data:(?!image\/(png|gif|jpe?g|webp|bmp);)/i,
  );
  expect(html, where).not.toMatch(/\ssrc\s*=\s*["']?\s*(https?:)?\/\//i);
  expect(html, where).not.toMatch(/\ssrcset\s*=/i);
  expect(html, where).not.toMatch(/expression\s*\(|@import|url\(\s*["']?\s*(https?:)?\/\//i);
}

describe("sanitising inbound HTML (S22)", () => {
  it("S22: scripts go with their content, every on* handler goes, javascript: and data: links go", async () => {
    const { html } = await sanitizeHtml(
      `<p onclick="steal()" OnMouseOver='x()'>Hi<script>alert(1)</script><SCRIPT src=//evil.example/x.js></SCRIPT></p>` +
        `<a href="javascript:alert(1)">a</a><a href=" jav&#x61;script:alert(1)">b</a><a href="java\tscript:x">c</a>` +
        `<a href="data:text/html;base64,PHNjcmlwdD4=">d</a><a href="vbscript:x">e</a><img src=x onerror="alert(1)">`,
    );
    assertInert(html);
    expect(html).not.toContain("alert");
    expect(html).toContain("<p>Hi</p>");
    expect(html).toMatch(/<a>a<\/a><a>b<\/a><a>c<\/a><a>d<\/a><a>e<\/a>/);
  });

  it("S22: iframes, objects, embeds, forms, base, meta refresh, link, svg and controls are removed", async () => {
    const { html } = await sanitizeHtml(
      `<html><head><base href="https://evil.example/"><meta http-equiv="refresh" content="0;url=https://evil.example"><link rel=stylesheet href="https://evil.example/x.css"></head>` +
        `<body><iframe src="https://evil.example"></iframe><object data="x.swf"></object><embed src="x.swf">` +
        `<form action="https://evil.example/login"><input name=p><button formaction="https://evil.example">Go</button><textarea>t</textarea>Form text</form>` +
        `<svg><script>alert(1)</script><a xlink:href="javascript:x()">s</a></svg><p>Kept</p></body></html>`,
    );
    assertInert(html);
    expect(html).not.toContain("evil.example");
    expect(html).toContain("Form text");
    expect(html).toContain("<p>Kept</p>");
  });

  it("S22: remote images are blocked (data-remote-src, no src) and reported; cid: images become data-cid; data: images stay", async () => {
    const out = await sanitizeHtml(
      `<img src="https://track.example/p.gif?u=1&amp;v=2" srcset="https://track.example/2x.gif 2x" width=1 alt="">` +
        `<IMG SRC="//cdn.example/logo.png"><img src="cid:logo@example.com"><img src="CID:&lt;part1.abc&gt;">` +
        `<img src="data:image/png;base64,iVBORw0KGgo="><table background="http://bg.example/x.png"><tr><td>x</td></tr></table>`,
    );
    assertInert(out.html);
    expect(out.hasRemoteImages).toBe(true);
    expect(out.html).toContain('data-remote-src="https://track.example/p.gif?u=1&amp;v=2"');
    expect(out.html).toContain('data-remote-src="//cdn.example/logo.png"');
    expect(out.html).toContain('data-cid="logo@example.com"');
    expect(out.html).toContain('data-cid="part1.abc"');
    expect(out.html).toContain('src="data:image/png;base64,iVBORw0KGgo="');
    expect(out.html).toContain('data-remote-background="http://bg.example/x.png"');
    expect((await sanitizeHtml(`<p>No images</p><img src="cid:a@b">`)).hasRemoteImages).toBe(false);
  });

  it("S22: links open in a new tab without opener or referrer; tables and formatting are kept", async () => {
    const { html } = await sanitizeHtml(
      `<table border="1" cellpadding="2"><tr><td colspan="2" style="color:red"><b>Bold</b> <i>it</i> <a href="https://shop.example/order?id=1&amp;x=2" target="_top" rel="opener">Order</a> <a href="mailto:ana@example.com">mail</a></td></tr></table>`,
    );
    expect(html).toContain('<table border="1" cellpadding="2">');
    expect(html).toContain('<td colspan="2" style="color:red"><b>Bold</b> <i>it</i>');
    expect(html).toContain(
      '<a href="https://shop.example/order?id=1&amp;x=2" rel="noopener noreferrer" target="_blank">Order</a>',
    );
    expect(html).toContain('<a href="mailto:ana@example.com" rel="noopener noreferrer" target="_blank">mail</a>');
  });

  it("S22: CSS cannot run script or load remote content, in style attributes or style elements", async () => {
    const { html } = await sanitizeHtml(
      `<style>@import url("https://evil.example/a.css"); p { background: url('https://evil.example/bg.png'); width: expression(alert(1)) } p > a { color: red }</style>` +
        `<div style="background-image:url(http://evil.example/x.png);behavior:url(x.htc);color:blue">x</div><!-- <script>alert(1)</script> -->` +
        `<p style="background:u\\72l(https://evil.example/esc.png);width:expr\\65ssion(alert(2))">escaped</p>`,
    );
    assertInert(html);
    expect(html).not.toContain("evil.example");
    expect(html).toContain("p > a { color: red }");
    expect(html).toContain("color:blue");
    expect(html).not.toContain("<!--");
  });

  it("S22: CSS with nothing to clean is kept byte for byte; any escape, entity or url() still goes through the cleaner", async () => {
    const plain = `font-family: 'Segoe UI', Arial; color: #333; margin: 0 auto; width: 600px`;
    expect(
      (await sanitizeHtml(`<p style="${plain}">a</p><style>p > a { color: red; font: 12px/1.4 Georgia }</style>`)).html,
    ).toBe(`<p style="${plain}">a</p><style>p > a { color: red; font: 12px/1.4 Georgia }</style>`);
    for (const risky of [
      "background:u&#114;l(https://evil.example/e.png)",
      "background:U\\52L(https://evil.example/e.png)",
      "x:1/**/;background:url(//evil.example/e.png)",
    ]) {
      const { html } = await sanitizeHtml(`<p style="${risky}">a</p>`);
      expect(html, risky).not.toContain("evil.example");
    }
  });

  it("S22: every corpus mail's HTML comes out inert", async () => {
    // The corpus mails known to carry HTML: each must reach the checks below.
    const htmlMails = [
      "chatwoot_mail_with_invalid_to.eml",
      "chatwoot_mail_with_quote.eml",
      "chatwoot_only_html.eml",
      "chatwoot_welcome_html.eml",
      "discourse_big5.eml",
      "discourse_exchange_html_reply.eml",
      "flanker_bounce_office365.eml",
      "mailparser_decoderended.eml",
      "mailparser_spam.eml",
      "rt_kmail_koi8r_inline_forward.eml",
      "talon_reply_android_gmail_ru.eml",
      "talon_reply_hotmail.eml",
      "zammad_mail001.eml",
      "zammad_mail003.eml",
      "zammad_mail007.eml",
      "zammad_mail034.eml",
      "zammad_mail072.eml",
      "zammad_mail091.eml",
      "zammad_mail093.eml",
    ].map((f) => `email/${f}`);
    const withHtml: string[] = [];
    for (const name of corpusNames("email")) {
      const mail = await parseInbound(corpusBytes(name));
      if (mail.html === null) continue;
      withHtml.push(name);
      assertInert(mail.html, name);
      if (mail.hasRemoteImages) expect(mail.html, name).toContain("data-remote-src");
    }
    expect(withHtml).toEqual(expect.arrayContaining(htmlMails.filter((name) => corpusNames("email").includes(name))));
    expect(withHtml.length).toBeGreaterThan(0);
  });
});

describe("text from HTML (S22)", () => {
  it("S22: blocks become lines, entities are decoded, blockquotes are quoted, scripts and styles are dropped", async () => {
    const text = await htmlToText(
      `<html><head><title>T</title><style>p{}</style></head><body><p>Hello &amp; welcome,&nbsp;Ana</p><div>Line<br>two</div>` +
        `<ul><li>one</li><li>two</li></ul><script>var x = "<p>no</p>";</script>` +
        `<div class="gmail_quote">On Mon, 1 Jan 2024 at 10:00, Bo &lt;bo@example.com&gt; wrote:<blockquote>Old &eacute;t&eacute;<br>text</blockquote></div></body></html>`,
    );
    expect(text).toBe(
      "Hello & welcome, Ana\n\nLine\ntwo\n- one\n- two\nOn Mon, 1 Jan 2024 at 10:00, Bo <bo@example.com> wrote:\n\n> Old été\n> text",
    );
  });
});
