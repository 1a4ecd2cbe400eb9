import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentSays, baseUrl, newAgent, startVisitor, visitorSays } from "../e2e/live";
import { launchChromium } from "./chromium";
import { agentPage, renameUniquely, row } from "./inbox-pages";

let browser: Browser;
let ada: { id: string; name: string; cookie: string; page: Page };
let alex: { id: string; name: string; cookie: string; page: Page };

beforeAll(async () => {
  browser = await launchChromium();
  const [a, b] = [await newAgent(), await newAgent()];
  ada = { ...a, page: (await agentPage(browser, a.email, a.password)).page };
  alex = { ...b, page: (await agentPage(browser, b.email, b.password)).page };
});
afterAll(async () => {
  await browser?.close();
});

const count = (page: Page, view: string) =>
  page.locator(`.view-tab[data-view="${view}"] .count`).textContent().then(Number);

describe("ownership in two agents' browsers (S31, S32)", () => {
  it("S31: one agent takes a conversation with `i` and hands it over with the assign menu; the other sees it live, in the row and in Mine", async () => {
    const v = await startVisitor();
    await visitorSays(v, "Who is handling my order?");
    await ada.page.goto(`${baseUrl}/conversations/${v.conversationId}`);
    await expect.poll(() => ada.page.locator("#assign-button").textContent()).toContain("Unassigned");
    const alexMine = await count(alex.page, "mine");

    await ada.page.locator("#conversation-title").click();
    await ada.page.keyboard.press("i");
    await expect.poll(() => ada.page.locator("#assign-button").textContent()).toContain(ada.name);
    await expect.poll(() => row(alex.page, v.conversationId).locator(`[data-assignee="${ada.id}"]`).count()).toBe(1);

    await ada.page.keyboard.press("a");
    const menu = ada.page.getByRole("menu", { name: "Assign to" });
    await expect.poll(() => menu.count()).toBe(1);
    // Agents from other test files may share a name: pick by id.
    await menu.locator(`[role=menuitem][data-agent="${alex.id}"]`).click();
    await expect.poll(() => row(alex.page, v.conversationId).locator(`[data-assignee="${alex.id}"]`).count()).toBe(1);
    await expect.poll(() => count(alex.page, "mine")).toBe(alexMine + 1);
    await alex.page.locator('.view-tab[data-view="mine"]').click();
    await expect.poll(() => row(alex.page, v.conversationId).count()).toBe(1);
    await alex.page.locator('.view-tab[data-view="all"]').click();
    // The thread records it, for agents only.
    await expect.poll(() => ada.page.locator(".thread").textContent()).toMatch(/assigned this to/);
  });

  it("S32: an agent sets away with the switch beside their name; the other sees it in the assign menu", async () => {
    const v = await startVisitor();
    await visitorSays(v, "hello");
    await alex.page.locator("#availability-switch").click();
    await ada.page.goto(`${baseUrl}/conversations/${v.conversationId}`);
    await ada.page.locator("#assign-button").click();
    const item = ada.page.getByRole("menu", { name: "Assign to" }).locator(`[role=menuitem][data-agent="${alex.id}"]`);
    await expect.poll(() => item.locator(".status-dot").getAttribute("aria-label")).toBe("Away");
    await ada.page.keyboard.press("Escape");
    await alex.page.locator("#availability-switch").click();
    await ada.page.locator("#assign-button").click();
    await expect.poll(() => item.locator(".status-dot").getAttribute("aria-label")).toBe("Online");
  });
});

describe("collision awareness in two agents' browsers (S37)", () => {
  it("S37: each agent sees the other in the header while both have it open, who is replying in the header and the list, and the marker goes when they leave", async () => {
    const v = await startVisitor();
    await visitorSays(v, "Two of you here?");
    await alex.page.goto(`${baseUrl}/conversations/${v.conversationId}`);
    await ada.page.goto(`${baseUrl}/conversations/${v.conversationId}`);
    await expect.poll(() => alex.page.locator(`[data-testid="viewers"] [data-viewer="${ada.id}"]`).count()).toBe(1);
    await expect.poll(() => ada.page.locator(`[data-testid="viewers"] [data-viewer="${alex.id}"]`).count()).toBe(1);

    await ada.page.locator("#composer-text").pressSequentially("Let me check that");
    await expect.poll(() => alex.page.locator(`[data-viewer="${ada.id}"]`).getAttribute("data-replying")).toBe("true");
    await expect
      .poll(() => row(alex.page, v.conversationId).locator('[data-testid="replying"]').textContent())
      .toContain(ada.name);

    await ada.page.goto(`${baseUrl}/`);
    await expect.poll(() => alex.page.locator(`[data-viewer="${ada.id}"]`).count()).toBe(0);
  });
});

describe("a reply begun before news is held (S38)", () => {
  it("S38: a colleague's reply arriving mid-draft holds the draft; Send anyway sends it; Edit reads the news and sends after", async () => {
    const v = await startVisitor();
    await visitorSays(v, "Can I change my delivery address?");
    await ada.page.goto(`${baseUrl}/conversations/${v.conversationId}`);
    const composer = ada.page.locator("#composer-text");
    const held = ada.page.locator('[data-testid="held-reply"]');
    const outbound = () => ada.page.locator(".thread .message.outbound .text").allTextContents();

    await composer.pressSequentially("Yes, send me the new one");
    const { res } = await agentSays(alex.cookie, v.conversationId, "Done: I changed it for you.");
    expect(res.status).toBe(201);
    await expect.poll(outbound).toEqual(["Done: I changed it for you."]);
    await composer.press("Enter");
    await expect.poll(() => held.count()).toBe(1);
    expect(await held.locator(".held-news li").allTextContents()).toEqual([
      expect.stringContaining("Done: I changed it for you."),
    ]);
    expect(await composer.inputValue()).toBe("Yes, send me the new one");
    expect(await outbound()).toEqual(["Done: I changed it for you."]);
    await held.getByRole("button", { name: "Send anyway" }).click();
    await expect.poll(outbound).toEqual(["Done: I changed it for you.", "Yes, send me the new one"]);
    expect(await held.count()).toBe(0);

    await composer.pressSequentially("Anything else?");
    await visitorSays(v, "Thanks both!");
    await expect.poll(() => ada.page.locator(".thread .message.inbound").count()).toBe(2);
    await composer.press("Enter");
    await expect.poll(() => held.count()).toBe(1);
    await held.getByRole("button", { name: "Edit" }).click();
    expect(await held.count()).toBe(0);
    await composer.press("End");
    await composer.pressSequentially(" Have a good day.");
    await composer.press("Enter");
    await expect
      .poll(outbound)
      .toEqual(["Done: I changed it for you.", "Yes, send me the new one", "Anything else? Have a good day."]);
  });
});

describe("mentions in the inbox (S34)", () => {
  it("S34: a mention shows the mentioned agent a live notice and the conversation in Mentions, until they open it", async () => {
    const v = await startVisitor();
    await visitorSays(v, "Can someone senior look?");
    const before = await count(alex.page, "mentions");
    alex.name = await renameUniquely(alex.cookie);
    await ada.page.goto(`${baseUrl}/conversations/${v.conversationId}`);
    await ada.page.locator("#conversation-title").click();
    await ada.page.keyboard.press("n");
    await ada.page.locator("#composer-text").pressSequentially(`please look @${alex.name}`);
    await ada.page.locator(`.mention-picker [data-agent="${alex.id}"]`).click();
    await ada.page.keyboard.press("Enter");
    await expect.poll(() => alex.page.locator('[data-testid="notice"]').textContent()).toContain("mentioned you");
    await expect.poll(() => count(alex.page, "mentions")).toBe(before + 1);
    await alex.page.locator('.view-tab[data-view="mentions"]').click();
    await expect.poll(() => row(alex.page, v.conversationId).count()).toBe(1);
    await row(alex.page, v.conversationId).click();
    await expect.poll(() => count(alex.page, "mentions")).toBe(before);
    await alex.page.locator('.view-tab[data-view="all"]').click();
  });
});
