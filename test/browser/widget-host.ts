import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, BrowserContext, Page, Request } from "playwright-core";
import { expect } from "vitest";
import { baseUrl } from "../e2e/live";

export interface HostPageOptions {
  /** data-* attributes for the script tag, e.g. { language: "es" }. */
  data?: Record<string, string>;
  /** CSS the host page applies to itself (hostile styles, for instance). */
  css?: string;
  /** Extra markup or script before the widget's script tag. */
  head?: string;
  body?: string;
}

/**
 * A customer's website on another origin than the worker: a tiny HTTP server on its own port.
 * `http://localhost:<port>` is on the e2e server's WIDGET_ORIGINS (any port of localhost);
 * the same page at `http://127.0.0.1:<port>` is another origin, not on the list.
 */
export class HostSite {
  private readonly pages = new Map<string, string>();
  private server: Server | null = null;
  private port = 0;
  private n = 0;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const html = this.pages.get(new URL(req.url ?? "/", "http://x").pathname);
      res.writeHead(html ? 200 : 404, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
      res.end(html ?? "not found");
    });
    // "::" accepts IPv4 too, so both localhost (either family) and 127.0.0.1 reach it.
    await new Promise<void>((resolve) => this.server!.listen(0, "::", resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** Serves a page embedding the widget with one script tag; returns its path. */
  page(options: HostPageOptions = {}): string {
    const path = `/page-${++this.n}`;
    const data = Object.entries(options.data ?? {})
      .map(([k, v]) => ` data-${k}="${v.replace(/"/g, "&quot;")}"`)
      .join("");
    this.pages.set(
      path,
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
${options.css ? `<style>${options.css}</style>` : ""}${options.head ?? ""}
<script src="${baseUrl}/widget.js" async${data}></script></head>
<body><main><h1>Our shop</h1><p>Products and prices.</p>${options.body ?? ""}</main></body></html>`,
    );
    return path;
  }

  /** The allowed origin. */
  url(path: string): string {
    return `http://localhost:${this.port}${path}`;
  }

  /** The same page on an origin that is not on the allow-list. */
  foreignUrl(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }
}

/** Every request a page makes to the worker, in order (the widget's footprint on the host page). */
export function workerRequests(page: Page): string[] {
  const seen: string[] = [];
  page.on("request", (r: Request) => {
    if (r.url().startsWith(baseUrl)) seen.push(`${r.method()} ${r.url().slice(baseUrl.length).replace(/\?.*/, "")}`);
  });
  page.on("websocket", (ws) => {
    if (ws.url().startsWith(baseUrl.replace(/^http/, "ws")))
      seen.push(
        `WS ${ws
          .url()
          .slice(baseUrl.length - 2)
          .replace(/\?.*/, "")}`,
      );
  });
  return seen;
}

export async function newVisitor(browser: Browser, locale = "en-US"): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ locale });
  return { context, page: await context.newPage() };
}

/** What the widget keeps on the device (localStorage of the host site, under the worker's origin). */
export async function savedState(
  page: Page,
): Promise<{ deviceId?: string; conversationId?: string; hasMessages?: boolean }> {
  return page.evaluate((key) => JSON.parse(localStorage.getItem(key) ?? "{}"), `chat-widget:${baseUrl}`);
}

/** `expect.poll` with room for a busy machine: the server, Chromium and the tests share two cores in CI. */
export function eventually<T>(fn: () => T | Promise<T>, timeout = 5000) {
  return expect.poll(fn, { timeout, interval: 50 });
}
