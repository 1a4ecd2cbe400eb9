import type { Browser, Page } from "playwright-core";
import { baseUrl, call } from "../e2e/live";

let n = 0;
/** A browser context of its own (cookies, client address) with an agent signed in through the page. */
export async function agentPage(
  browser: Browser,
  email: string,
  password: string,
  options: {
    locale?: string;
    bypassCSP?: boolean;
    serviceWorkers?: "allow" | "block";
    viewport?: { width: number; height: number };
    /** Runs in every page of the context before the app's own scripts (spies). */
    initScript?: () => void;
  } = {},
) {
  const context = await browser.newContext({
    locale: options.locale ?? "en-US",
    bypassCSP: options.bypassCSP ?? false,
    serviceWorkers: options.serviceWorkers ?? "allow",
    viewport: options.viewport ?? { width: 1280, height: 760 },
    extraHTTPHeaders: { "cf-connecting-ip": `10.200.${process.pid % 250}.${++n}` },
  });
  if (options.initScript) await context.addInitScript(options.initScript);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("dialog", (d) => {
    errors.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  await page.goto(baseUrl);
  await page.locator("#email").fill(email);
  await page.locator("#password").fill(password);
  await page.locator("form button[type=submit]").click();
  await page.locator("nav.menu").waitFor();
  return { context, page, errors };
}

export function row(page: Page, conversationId: string) {
  return page.locator(`a.row[data-conversation-id="${conversationId}"]`);
}

/**
 * Gives the agent a one-word name no other agent has (agents made by other test files share "E2E Agent n"),
 * so "@" and that name finds exactly them. Pages opened after this see it.
 */
export async function renameUniquely(cookie: string): Promise<string> {
  const name = `Mentionee${Date.now().toString(36)}${++n}`;
  const res = await call("/api/auth/me", { method: "PATCH", cookie, body: { name } });
  if (res.status !== 200) throw new Error(`rename: ${res.status} ${await res.text()}`);
  return name;
}
