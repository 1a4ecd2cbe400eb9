import type { Browser, Page, Route } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { admin, agentSays, baseUrl, clientId, newAgent, startVisitor, visitorSays } from "../e2e/live";
import { launchChromium } from "./chromium";
import { agentPage } from "./inbox-pages";

let browser: Browser;
let page: Page;
let errors: string[];

beforeAll(async () => {
  browser = await launchChromium();
  const agent = await newAgent();
  ({ page, errors } = await agentPage(browser, agent.email, agent.password));
});
afterAll(async () => {
  await browser?.close();
});

const hits = (p: Page) => p.locator("#search-hits a.search-result");

describe("search in the inbox (S41)", () => {
  it("S41: the list's box asks the server; hits show marked snippets as text; opening one scrolls the thread to that message and marks it; / focuses the box; the filters still apply", async () => {
    const word = `teapot${clientId()
      .slice(-6)
      .toLowerCase()
      .replace(/[^a-z]/g, "")}`;
    const v = await startVisitor();
    // Markup in a message is text: the snippet must show it, never run it.
    await visitorSays(v, `My <img src=x onerror="window.__ran=1"> ${word} handle cracked in Canarías`);
    // More than a thread's first page (100) after it: opening the hit must load back to it.
    const [a, b] = [await admin(), (await newAgent()).cookie];
    for (let i = 0; i < 110; i++) await agentSays(i % 2 ? a : b, v.conversationId, `Filler reply ${i}`);

    await page.goto(baseUrl);
    await page.locator("#list-search").fill(word);
    await expect.poll(() => hits(page).count()).toBe(1);
    const hit = hits(page).first();
    expect(await hit.getAttribute("data-conversation-id")).toBe(v.conversationId);
    expect(await hit.locator("mark").allTextContents()).toEqual([word]);
    expect(await hit.locator(".snippet").textContent()).toContain('<img src=x onerror="window.__ran=1">');
    expect(await page.locator("#search-hits img").count()).toBe(0);
    expect(await page.locator("#conversation-rows").count()).toBe(0);
    // Accents do not matter.
    await page.locator("#list-search").fill(`${word} canarias`);
    await expect.poll(() => page.locator("#search-hits mark").allTextContents()).toEqual([word, "Canarías"]);

    await hit.click();
    await expect.poll(() => page.url()).toBe(`${baseUrl}/conversations/${v.conversationId}`);
    const message = page.locator('.thread li[data-seq="1"]');
    await expect.poll(() => message.getAttribute("class")).toMatch(/\bsearch-hit\b/);
    await expect.poll(() => message.evaluate((el) => el === document.activeElement)).toBe(true);
    const [box, thread] = [await message.boundingBox(), await page.locator(".thread").boundingBox()];
    expect(box!.y).toBeGreaterThanOrEqual(thread!.y - 1);
    expect(box!.y + box!.height).toBeLessThanOrEqual(thread!.y + thread!.height + 1);
    expect(await page.evaluate(() => (window as { __ran?: number }).__ran)).toBeUndefined();

    // "/" focuses the box (from anywhere but a text field).
    await page.locator("#conversation-title").click();
    await page.keyboard.press("/");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("list-search");

    // The list's filters still apply: the conversation is open, so "Complete" hides its hit.
    await page.getByLabel("Status").selectOption("complete");
    await expect.poll(() => page.locator(".search-status").textContent()).toMatch(/No message matches/);
    expect(await hits(page).count()).toBe(0);
    await page.getByLabel("Status").selectOption("open");
    await expect.poll(() => hits(page).count()).toBe(1);
    // A malformed query says what is wrong.
    await page.locator("#list-search").fill(`${word} in:fax`);
    await expect.poll(() => page.locator(".search-status").textContent()).toMatch(/in: takes chat, email/);
    await page.locator("#list-search").fill("");
    await expect.poll(() => page.locator("#conversation-rows").count()).toBe(1);
    // Searching again asks again: a message written meanwhile is found.
    await visitorSays(v, `And the ${word} lid too`);
    await page.locator("#list-search").fill(word);
    await expect.poll(() => hits(page).count()).toBe(2);
    expect(errors).toEqual([]);
  });

  it("S41: a search typed while the list is still loading is asked all the same", async () => {
    const word = `kettle${Math.random()
      .toString(36)
      .replace(/[^a-z]/g, "")
      .slice(0, 6)}`;
    const v = await startVisitor();
    await visitorSays(v, `The ${word} whistles`);
    // A slow list and feed (a large inbox, a busy network): the box is typed into before either answers.
    const slow = async (route: Route) => {
      await new Promise((r) => setTimeout(r, 2000));
      await route.continue();
    };
    await page.route(/\/api\/conversations(\?|$)/, slow);
    await page.route(/\/api\/inbox\/socket/, slow);
    try {
      await page.goto(baseUrl);
      await page.locator("#list-search").fill(word);
      await expect.poll(() => hits(page).count()).toBe(1);
      expect(await hits(page).first().getAttribute("data-conversation-id")).toBe(v.conversationId);
    } finally {
      await page.unrouteAll();
    }
  });
});
