import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Message } from "../../src/protocol";
import { admin, baseUrl, call, newAgent, startVisitor, visitorSays, visitorSocket, widget } from "../e2e/live";
import type { TestSocket } from "../support/test-socket";
import { launchChromium } from "./chromium";
import { agentPage } from "./inbox-pages";

let browser: Browser;
const sockets: TestSocket[] = [];
let categoryName: string;

beforeAll(async () => {
  browser = await launchChromium();
  const cookie = await admin();
  categoryName = `Browser tests ${Date.now()}`;
  const { category } = (await (
    await call("/api/saved-responses/categories", { cookie, body: { name: categoryName } })
  ).json()) as { category: { id: string } };
  for (const [title, body] of [
    [
      "Greeting with tags",
      "Hi {{contact.first_name | there}}, we will write to {{contact.email}}. <b>Thanks</b> — {{agent.first_name}}",
    ],
    ["Unknown tag", "Dear {{contact.nickname}}, hello"],
  ]) {
    await call("/api/saved-responses", { cookie, body: { categoryId: category.id, title, body } });
  }
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await browser?.close();
});

async function pick(page: import("playwright-core").Page, title: string) {
  await page.getByRole("button", { name: "Saved responses" }).click();
  const panel = page.getByRole("dialog", { name: "Saved responses" });
  await panel.getByLabel("Category").selectOption({ label: categoryName });
  await panel.getByRole("button", { name: new RegExp(title) }).click();
}

describe("saved responses in the composer", () => {
  it("S11 S12: a response picked into a chat reply is inserted at the cursor, previewed with its tags filled, and sent as text", async () => {
    const agent = await newAgent();
    const v = await startVisitor();
    await visitorSays(v, "Hello");
    const visitor = await visitorSocket(v);
    sockets.push(visitor);
    const { page, context } = await agentPage(browser, agent.email, agent.password);
    await page.goto(`${baseUrl}/conversations/${v.conversationId}`);
    const composer = page.locator("#composer-text");
    await composer.fill("Start. ");
    await pick(page, "Greeting with tags");
    expect(await composer.inputValue()).toBe(
      "Start. Hi {{contact.first_name | there}}, we will write to {{contact.email}}. <b>Thanks</b> — {{agent.first_name}}",
    );
    // No email address is known yet: that tag has no value and no fallback, so sending is refused.
    await expect
      .poll(() => page.locator(".reply-preview [role=alert]").textContent())
      .toMatch(/\{\{contact\.email\}\} has no value/);
    expect(await page.getByRole("button", { name: "Send" }).isDisabled()).toBe(true);

    await composer.fill("Start. Hi {{contact.first_name | there}}. <b>Thanks</b> — {{agent.first_name}}");
    await expect
      .poll(() => page.locator(".reply-preview .text").textContent())
      .toBe("Start. Hi there. <b>Thanks</b> — E2E");
    await page.keyboard.press("Enter");
    const received = await visitor.next("message", (f) => f.message.direction === "outbound");
    expect(received.message.text).toBe("Start. Hi there. <b>Thanks</b> — E2E");
    await expect
      .poll(() => page.locator(".thread .message.outbound .text").last().textContent())
      .toBe("Start. Hi there. <b>Thanks</b> — E2E");
    expect(await page.locator(".thread b").count()).toBe(0);
    await context.close();
  });

  it("S11 S12: typing / at the start of a line opens the search; the response goes into an email reply with the contact's address", async () => {
    const agent = await newAgent();
    const v = await startVisitor();
    await visitorSays(v, "Please write to me");
    const link = await widget("/contact", { token: v.token, body: { email: `reader.${Date.now()}@example.org` } });
    const email = ((await link.json()) as { contact: { email: string } }).contact.email;
    const { page, context } = await agentPage(browser, agent.email, agent.password);
    await page.goto(`${baseUrl}/conversations/${v.conversationId}`);
    // A typed address is offered, not pre-selected (S7, S16): the agent picks Email.
    await expect.poll(() => page.getByLabel("Reply via").inputValue()).toBe("chat");
    await page.getByLabel("Reply via").selectOption("email");
    const composer = page.locator("#composer-text");
    await composer.click();
    await page.keyboard.type("/");
    const search = page.getByRole("dialog", { name: "Saved responses" }).getByLabel("Search saved responses");
    await expect.poll(() => search.evaluate((el) => el === document.activeElement)).toBe(true);
    await search.fill("greeting");
    await page
      .getByRole("dialog", { name: "Saved responses" })
      .getByRole("button", { name: /Greeting with tags/ })
      .click();
    expect(await composer.inputValue()).not.toContain("/Hi");
    const expected = `Hi there, we will write to ${email}. <b>Thanks</b> — E2E`;
    await expect.poll(() => page.locator(".reply-preview .text").textContent()).toBe(expected);
    await page.getByRole("button", { name: "Send" }).click();
    await expect.poll(() => page.locator(".thread .message.outbound .text").last().textContent()).toBe(expected);
    const res = await call(`/api/conversations/${v.conversationId}?limit=5`, { cookie: agent.cookie });
    const sent = ((await res.json()) as { messages: Message[] }).messages.at(-1)!;
    expect(sent).toMatchObject({ channel: "email", text: expected, status: "sent" });
    await context.close();
  });

  it("S12: a response with an unknown tag is flagged and cannot be sent", async () => {
    const agent = await newAgent();
    const v = await startVisitor();
    await visitorSays(v, "Hi");
    const { page, context } = await agentPage(browser, agent.email, agent.password);
    await page.goto(`${baseUrl}/conversations/${v.conversationId}`);
    await pick(page, "Unknown tag");
    await expect
      .poll(() => page.locator(".reply-preview [role=alert]").textContent())
      .toBe("Unknown tag {{contact.nickname}}");
    expect(await page.getByRole("button", { name: "Send" }).isDisabled()).toBe(true);
    await page.keyboard.press("Enter");
    // Replies show in the order they were sent: once a later one is in, the refused one never will be.
    await page.locator("#composer-text").fill("A reply without tags");
    await page.keyboard.press("Enter");
    await expect
      .poll(() => page.locator(".thread .message.outbound .text").allTextContents())
      .toEqual(["A reply without tags"]);
    await context.close();
  });
});
