import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { gzipSync } from "node:zlib";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseUrl, call, upgradeStatus, widget } from "../e2e/live";
import { launchChromium } from "./chromium";
import { eventually, HostSite, newVisitor, workerRequests } from "./widget-host";

let browser: Browser;
let site: HostSite;

beforeAll(async () => {
  [browser, site] = await Promise.all([launchChromium(), new HostSite().start()]);
});
afterAll(async () => {
  await browser?.close();
  await site?.stop();
});

const settle = (page: Page) =>
  page.evaluate(
    () => new Promise<void>((resolve) => requestIdleCallback(() => setTimeout(resolve, 1500), { timeout: 3000 })),
  );
const inWidget = (page: Page, fn: string) =>
  page.evaluate(`(() => { const root = document.querySelector("chat-widget").shadowRoot; return ${fn}; })()`);

async function send(page: Page, text: string, sent = "Sent") {
  await page.getByRole("textbox", { name: /Message|Mensaje/ }).fill(text);
  await page.getByRole("textbox", { name: /Message|Mensaje/ }).press("Enter");
  await expect
    .poll(() => page.locator(".mine", { hasText: text }).locator(".meta").textContent(), { timeout: 5000 })
    .toBe(sent);
}

describe("embedding the widget", () => {
  it("S13: one script tag shows the launcher; until the visitor shows intent the loader is the only request", async () => {
    const { context, page } = await newVisitor(browser);
    const requests = workerRequests(page);
    await page.goto(site.url(site.page()));
    const launcher = page.getByRole("button", { name: "Open chat" });
    await launcher.waitFor();
    await settle(page);
    expect(requests).toEqual(["GET /widget.js"]);

    // Fixed in the corner, outside the page's flow: no layout shift.
    const box = (await launcher.boundingBox())!;
    const viewport = page.viewportSize()!;
    expect(box).toMatchObject({ width: 56, height: 56 });
    expect(viewport.width - (box.x + box.width)).toBe(20);
    expect(viewport.height - (box.y + box.height)).toBe(20);
    const shifts = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          let n = 0;
          new PerformanceObserver((list) => (n += list.getEntries().length)).observe({
            type: "layout-shift",
            buffered: true,
          });
          setTimeout(() => resolve(n), 300);
        }),
    );
    expect(shifts).toBe(0);

    await launcher.hover();
    await eventually(() => requests.filter((r) => /^GET \/build\/widget\/panel-\w+\.js$/.test(r)).length).toBe(1);
    await launcher.click();
    await page.getByRole("dialog", { name: "Chat with us" }).waitFor();
    await settle(page);
    // A device with no conversation still has made no API call and opened no socket.
    expect(requests.filter((r) => r.includes("/api/"))).toEqual([]);
    await context.close();
  });

  it("S13: the loader is at most 5 KB gzipped and the whole widget at most 25 KB", async () => {
    const loader = await (await call("/widget.js")).arrayBuffer();
    const chunkPath = new TextDecoder().decode(loader).match(/\/build\/widget\/panel-\w+\.js/)![0];
    const panel = await (await call(chunkPath)).arrayBuffer();
    const gz = (b: ArrayBuffer) => gzipSync(Buffer.from(b), { level: 9 }).byteLength;
    const sizes = { loader: gz(loader), whole: gz(loader) + gz(panel) };
    expect(sizes.loader).toBeLessThanOrEqual(5 * 1024);
    expect(sizes.whole).toBeLessThanOrEqual(25 * 1024);
  });

  it("S13: /widget.js is cached briefly, the hashed chunk forever; both may be loaded from any site", async () => {
    const loader = await call("/widget.js");
    expect(loader.status).toBe(200);
    expect(loader.headers.get("content-type")).toMatch(/javascript/);
    expect(loader.headers.get("cache-control")).toBe("public, max-age=300");
    expect(loader.headers.get("access-control-allow-origin")).toBe("*");
    expect(loader.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
    const chunkPath = (await loader.text()).match(/\/build\/widget\/panel-\w+\.js/)![0];
    const chunk = await call(chunkPath);
    expect(chunk.status).toBe(200);
    expect(chunk.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(chunk.headers.get("access-control-allow-origin")).toBe("*");
    const missing = await call("/build/widget/panel-NOTTHERE.js");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toMatch(/json/);
  });

  it("S13: a page on an origin not on the list gets no session, and its socket upgrades are refused", async () => {
    const { context, page } = await newVisitor(browser);
    const foreign = site.foreignUrl(site.page());
    await page.goto(foreign);
    await page.getByRole("button", { name: "Open chat" }).click();
    await send(page, "Hello from a site that is not on the list", "Not sent.Retry");
    const direct = await page.evaluate(
      (api) =>
        fetch(`${api}/api/widget/session`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: "{}",
        }).then(
          (r) => `answered ${r.status}`,
          () => "blocked by CORS",
        ),
      baseUrl,
    );
    expect(direct).toBe("blocked by CORS");
    await context.close();

    const foreignOrigin = new URL(foreign).origin;
    const refused = await widget("/session", { body: {}, origin: foreignOrigin });
    expect(refused.status).toBe(403);
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();

    const allowedOrigin = new URL(site.url("/")).origin;
    const session = await widget("/session", { body: {}, origin: allowedOrigin });
    expect(session.headers.get("access-control-allow-origin")).toBe(allowedOrigin);
    const { token } = (await session.json()) as { token: string };
    expect(await upgradeStatus(`/api/widget/socket?token=${token}`, { origin: foreignOrigin })).toBe(403);
    expect(await upgradeStatus(`/api/widget/socket?token=${token}`, { origin: allowedOrigin })).toBe(101);
  });

  it("S13: hostile page CSS (all: unset, huge fonts) leaves a usable widget", async () => {
    const { context, page } = await newVisitor(browser);
    const css = `* { all: unset !important; } html { font-size: 80px !important; }
      body * { font-size: 64px !important; line-height: 4 !important; letter-spacing: 12px !important; }
      button, section, textarea, form { display: none !important; } [hidden] { display: block !important; }`;
    await page.goto(site.url(site.page({ css })));
    const launcher = page.getByRole("button", { name: "Open chat" });
    await launcher.waitFor();
    const viewport = page.viewportSize()!;
    expect(await launcher.boundingBox()).toEqual({
      x: viewport.width - 76,
      y: viewport.height - 76,
      width: 56,
      height: 56,
    });
    await launcher.click();
    const dialog = page.getByRole("dialog", { name: "Chat with us" });
    await dialog.waitFor();
    const box = (await dialog.boundingBox())!;
    expect(box.width).toBe(370);
    expect(box.height).toBeGreaterThan(300);
    expect(await inWidget(page, `getComputedStyle(root.querySelector("textarea")).fontSize`)).toBe("15px");
    expect(await inWidget(page, `root.querySelector(".email").getBoundingClientRect().height`)).toBe(0);
    await send(page, "Still works");
    await context.close();
  });
});

describe("languages and accessibility (S30)", () => {
  it("S30: a Spanish browser gets the widget in Spanish; data-language overrides the browser", async () => {
    const es = await newVisitor(browser, "es-ES");
    await es.page.goto(site.url(site.page()));
    await es.page.getByRole("button", { name: "Abrir chat" }).click();
    await es.page.getByRole("dialog", { name: "Chatea con nosotros" }).waitFor();
    expect(await es.page.getByText("¡Hola! ¿En qué podemos ayudarte?").count()).toBe(1);
    expect(await es.page.getByRole("button", { name: "Enviar" }).count()).toBe(1);
    await send(es.page, "Hola, ¿hacéis envíos?", "Enviado");
    expect(await es.page.getByText("Déjanos tu email").count()).toBe(1);
    await es.page.goto(site.url(site.page({ data: { language: "en" } })));
    await es.page.getByRole("button", { name: "Open chat" }).waitFor();
    await es.context.close();

    const en = await newVisitor(browser, "en-GB");
    await en.page.goto(site.url(site.page({ data: { language: "es", greeting: "¡Bienvenido a la tienda!" } })));
    await en.page.getByRole("button", { name: "Abrir chat" }).click();
    await en.page.getByRole("dialog", { name: "Chatea con nosotros" }).waitFor();
    expect(await en.page.getByText("¡Bienvenido a la tienda!").count()).toBe(1);
    await en.context.close();
  });

  it("S30: keyboard only: Tab reaches the launcher, Enter opens, focus stays in the panel, Escape closes back to the launcher", async () => {
    const { context, page } = await newVisitor(browser);
    await page.goto(site.url(site.page({ body: `<a href="#top">Home</a>` })));
    await page.getByRole("button", { name: "Open chat" }).waitFor();
    const focused = () =>
      inWidget(
        page,
        `document.activeElement === root.host ? (root.activeElement?.id || root.activeElement?.className || root.activeElement?.tagName) : "outside"`,
      );
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    expect(await focused()).toBe("launcher");
    await page.keyboard.press("Enter");
    await page.getByRole("dialog", { name: "Chat with us" }).waitFor();
    expect(await focused()).toBe("cw-message");
    await page.keyboard.type("Typed with the keyboard");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator(".mine .meta").textContent(), { timeout: 5000 }).toBe("Sent");
    const seen = new Set<string>();
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press("Tab");
      seen.add(String(await focused()));
    }
    expect(seen.has("outside")).toBe(false);
    expect([...seen]).toEqual(expect.arrayContaining(["launcher", "x", "cw-message", "cw-email"]));
    await page.keyboard.press("Shift+Tab");
    expect(await focused()).not.toBe("outside");
    await page.getByRole("textbox", { name: "Message" }).focus();
    await page.keyboard.press("Escape");
    await eventually(() => page.getByRole("dialog").count()).toBe(0);
    expect(await focused()).toBe("launcher");
    expect(await page.getByRole("button", { name: "Open chat" }).getAttribute("aria-expanded")).toBe("false");
    await context.close();
  });

  it("S30: axe-core finds no serious or critical violation, closed or open with messages and the email form", async () => {
    const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
    const serious = async (page: Page) => {
      await page.evaluate(axeSource);
      const result = (await page.evaluate(() =>
        (window as unknown as { axe: { run(): Promise<unknown> } }).axe.run(),
      )) as {
        violations: { id: string; impact: string; nodes: unknown[] }[];
      };
      return result.violations
        .filter((v) => v.impact === "serious" || v.impact === "critical")
        .map(
          (v) =>
            `${v.id}: ${JSON.stringify(v.nodes.map((n) => (n as { failureSummary?: string; target?: unknown }).target))}`,
        );
    };
    for (const [locale, data] of [
      ["en-US", {}],
      ["es-ES", { color: "#ffd33d" }],
    ] as const) {
      const { context, page } = await newVisitor(browser, locale);
      await page.goto(site.url(site.page({ data })));
      const launcher = page.getByRole("button", { name: /Open chat|Abrir chat/ });
      await launcher.waitFor();
      expect(await serious(page)).toEqual([]);
      await launcher.click();
      await page.getByRole("dialog").waitFor();
      await send(page, "Checking accessibility", locale === "en-US" ? "Sent" : "Enviado");
      await page.getByRole("textbox", { name: "Email" }).waitFor();
      expect(await serious(page)).toEqual([]);
      await context.close();
    }
  });
});
