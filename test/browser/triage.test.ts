import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { admin, baseUrl, call, clientId, newAgent, startVisitor, visitorSays } from "../e2e/live";
import { launchChromium } from "./chromium";
import { agentPage, renameUniquely, row } from "./inbox-pages";

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

describe("notes and mentions in the inbox (S33, S34)", () => {
  it("S33 S34: n switches to a note; @ picks a colleague; the note shows set apart, never to the visitor, and reaches the one mentioned", async () => {
    const colleague = await newAgent();
    const handle = await renameUniquely(colleague.cookie);
    const v = await startVisitor();
    await visitorSays(v, "Is my refund coming?");
    await page.goto(`${baseUrl}/conversations/${v.conversationId}`);
    await page.reload(); // the team list (for the picker) includes the colleague made just now
    await page.locator("#conversation-title").click();
    await page.keyboard.press("n");
    await expect.poll(() => page.locator("#composer-text").getAttribute("placeholder")).toMatch(/note/i);
    await page.locator("#composer-text").pressSequentially(`Checking with finance, @${handle}`);
    await page.locator(`.mention-picker [data-agent="${colleague.id}"]`).click();
    await page.locator("#composer-text").press("End");
    await page.locator("#composer-text").pressSequentially("please confirm");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator(".thread .kind-note").count()).toBe(1);
    await expect.poll(() => page.locator(".thread .kind-note").textContent()).toContain("please confirm");

    const history = await call("/api/widget/messages", {
      headers: { authorization: `Bearer ${v.token}` },
      origin: "https://shop.example",
    });
    expect(((await history.json()) as { messages: { text: string }[] }).messages.map((m) => m.text)).toEqual([
      "Is my refund coming?",
    ]);
    const mentioned = await call("/api/conversations?mentioned=me", { cookie: colleague.cookie });
    expect(((await mentioned.json()) as { conversations: { id: string }[] }).conversations.map((c) => c.id)).toEqual([
      v.conversationId,
    ]);
  });
});

describe("label management (S35)", () => {
  it("S35: an admin adds a label with its colour and archives it on the admin screen (never deleted)", async () => {
    const adminAgent = await newAgent("admin");
    const { page: adminPage } = await agentPage(browser, adminAgent.email, adminAgent.password);
    await adminPage.goto(`${baseUrl}/admin/agents`);
    const name = `Refund ${clientId().slice(-6)}`;
    await adminPage.locator("#new-label").fill(name);
    await adminPage.getByRole("button", { name: "Add label" }).click();
    const rowOf = adminPage.locator(`.labels-admin [data-name="${name}"]`);
    await expect.poll(() => rowOf.count()).toBe(1);
    await rowOf.getByRole("button", { name: "Archive" }).click();
    await expect.poll(() => rowOf.locator(".badge").textContent()).toBe("Archived");
    const labels = (await (await call("/api/labels", { cookie: adminAgent.cookie })).json()) as {
      labels: { name: string; archived: boolean }[];
    };
    expect(labels.labels.find((l) => l.name === name)).toMatchObject({ archived: true });
  });
});
