import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { admin, baseUrl, call, clientId, newAgent, startVisitor, visitorSays } from "../e2e/live";
import { launchChromium } from "./chromium";
import { agentPage, row } from "./inbox-pages";

let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launchChromium();
  const agent = await newAgent();
  page = (await agentPage(browser, agent.email, agent.password)).page;
});
afterAll(async () => {
  await browser?.close();
});

describe("labels, snooze and mark unread in the inbox (S35, S36)", () => {
  it("S35: an agent labels a conversation from the header; its chip shows in the row and the label's view counts it", async () => {
    const name = `VIP ${clientId().slice(-6)}`;
    const made = await call("/api/labels", { cookie: await admin(), body: { name, color: "#aa3366" } });
    const { label } = (await made.json()) as { label: { id: string } };
    const v = await startVisitor();
    await visitorSays(v, "I am a big customer");
    await page.goto(`${baseUrl}/conversations/${v.conversationId}`);
    await page.locator("#conversation-title").click();
    await page.keyboard.press("l");
    await page.getByRole("group", { name: /More/ }).getByLabel(name).check();
    await expect.poll(() => row(page, v.conversationId).locator(`[data-label="${label.id}"]`).count()).toBe(1);
    await expect.poll(() => page.locator(`.view-tab[data-view="label:${label.id}"] .count`).textContent()).toBe("1");
    await page.locator(`.view-tab[data-view="label:${label.id}"]`).click();
    await expect.poll(() => page.locator("#conversation-rows a.row").count()).toBe(1);
    await page.locator('.view-tab[data-view="all"]').click();
  });

  it("S36: snoozing moves a conversation to Snoozed until then; unsnooze brings it back; u marks it unread", async () => {
    const v = await startVisitor();
    await visitorSays(v, "Please get back to me tomorrow");
    await page.goto(`${baseUrl}/conversations/${v.conversationId}`);
    await expect.poll(() => row(page, v.conversationId).count()).toBe(1);
    await page.locator("#triage-button").click();
    await page.getByRole("button", { name: "In 1 hour" }).click();
    await expect.poll(() => row(page, v.conversationId).count()).toBe(0);
    await page.locator('.view-tab[data-view="snoozed"]').click();
    await expect.poll(() => row(page, v.conversationId).count()).toBe(1);
    await page.locator("#triage-button").click();
    await page.locator("#unsnooze-button").click();
    await page.locator('.view-tab[data-view="all"]').click();
    await expect.poll(() => row(page, v.conversationId).count()).toBe(1);

    await page.locator("#conversation-title").click();
    await page.keyboard.press("u");
    await expect.poll(() => row(page, v.conversationId).getAttribute("data-read")).toBe("false");
  });
});
