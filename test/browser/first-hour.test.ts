import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestSocket } from "../support/test-socket";
import {
  admin,
  api,
  baseUrl,
  call,
  messengerWebhook,
  newAgent,
  postMail,
  rawMail,
  readEverything,
  startVisitor,
  visitorSays,
  visitorSocket,
} from "../e2e/live";
import { E2E_PRESENCE } from "../e2e/global-setup";
import { launchChromium } from "./chromium";
import { agentPage, row } from "./inbox-pages";

// #17, the rough edges a new team hits in its first hour: typing, read and unread, the reply channel,
// keys. Two agents in two browser contexts where the point is what the other one sees.

let browser: Browser;
const sockets: TestSocket[] = [];
let categoryName: string;

beforeAll(async () => {
  browser = await launchChromium();
  const cookie = await admin();
  categoryName = `First hour ${Date.now()}`;
  const res = await call("/api/saved-responses/categories", { cookie, body: { name: categoryName } });
  const { category } = (await res.json()) as { category: { id: string } };
  for (const [title, body] of [
    ["Keys first", "First answer by keyboard"],
    ["Keys second", "Second answer by keyboard"],
  ])
    await call("/api/saved-responses", { cookie, body: { categoryId: category.id, title, body } });
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await browser?.close();
});

async function twoAgents() {
  const [x, y] = [await newAgent(), await newAgent()];
  return [
    { ...(await agentPage(browser, x.email, x.password)), agent: x },
    { ...(await agentPage(browser, y.email, y.password)), agent: y },
  ] as const;
}

/** Headless Chromium keeps every tab visible: the test says what a hidden tab would (S4's signal is the page's). */
async function setHidden(page: Page, hidden: boolean) {
  await page.evaluate((h) => {
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => (h ? "hidden" : "visible") });
    Object.defineProperty(document, "hidden", { configurable: true, get: () => h });
    document.dispatchEvent(new Event("visibilitychange"));
  }, hidden);
}

/** An email from a new sender: a conversation of its own, found by its text. */
async function emailConversation(text: string): Promise<string> {
  const from = `first-hour.${Date.now()}.${Math.random().toString(36).slice(2, 7)}@example.org`;
  expect((await postMail(rawMail(`Erin Example <${from}>`, text))).status).toBeLessThan(300);
  let id: string | undefined;
  await expect
    .poll(async () => {
      const res = await call("/api/conversations?channel=email&limit=20", { cookie: await admin() });
      const { conversations } = (await res.json()) as { conversations: { id: string; preview: string }[] };
      id = conversations.find((c) => c.preview === text)?.id;
      return id;
    })
    .toBeTruthy();
  return id!;
}

const typingLine = (page: Page) => page.locator(".thread-column .typing");

describe("#17 in two agents' browsers", () => {
  it("S15: the typing line clears when the typist sends, stops (within 6 s) or leaves — a visitor's and another agent's", {
    timeout: 90_000,
  }, async () => {
    const [a, b] = await twoAgents();
    const v = await startVisitor();
    await visitorSays(v, "Typing, then not");
    const visitor = await visitorSocket(v);
    for (const { page } of [a, b]) {
      await page.goto(`${baseUrl}/conversations/${v.conversationId}`);
      await page.locator("#composer-text").waitFor();
    }
    // The visitor sends: gone at once (the server's typing:false, and the message itself).
    visitor.send({ type: "typing", typing: true });
    await expect.poll(() => typingLine(a.page).textContent()).toMatch(/is typing/);
    await visitorSays(v, "Here it is");
    await expect.poll(() => typingLine(a.page).textContent(), { timeout: 1500 }).toBe("");
    // The visitor stops without a word: gone within 6 s.
    visitor.send({ type: "typing", typing: true });
    await expect.poll(() => typingLine(a.page).textContent()).toMatch(/is typing/);
    const stoppedAt = Date.now();
    await expect.poll(() => typingLine(a.page).textContent(), { timeout: 8000 }).toBe("");
    expect(Date.now() - stoppedAt).toBeLessThan(7000);
    // The visitor leaves (their socket goes): gone.
    visitor.send({ type: "typing", typing: true });
    await expect.poll(() => typingLine(a.page).textContent()).toMatch(/is typing/);
    visitor.close();
    await expect.poll(() => typingLine(a.page).textContent(), { timeout: 3000 }).toBe("");

    // Agent A types for longer than the fade: B sees it all along (A says it again while typing)…
    const composer = a.page.locator("#composer-text");
    await composer.click();
    for (let i = 0; i < 9; i++) {
      await a.page.keyboard.type("ab");
      await a.page.waitForTimeout(900);
      if (i === 0) await expect.poll(() => typingLine(b.page).textContent()).toBe(`${a.agent.name} is typing…`);
      if (i >= 2) expect(await typingLine(b.page).textContent()).toBe(`${a.agent.name} is typing…`);
    }
    // …then stops: gone within 6 s.
    const pausedAt = Date.now();
    await expect.poll(() => typingLine(b.page).textContent(), { timeout: 8000 }).toBe("");
    expect(Date.now() - pausedAt).toBeLessThan(7000);
    // A sends: gone at once.
    await a.page.keyboard.type(" more");
    await expect.poll(() => typingLine(b.page).textContent()).toMatch(/is typing/);
    await a.page.keyboard.press("Enter");
    await expect.poll(() => typingLine(b.page).textContent(), { timeout: 1500 }).toBe("");
    // A leaves while typing (the tab closes): gone.
    await composer.pressSequentially("one last thing");
    await expect.poll(() => typingLine(b.page).textContent()).toMatch(/is typing/);
    await a.context.close();
    await expect.poll(() => typingLine(b.page).textContent(), { timeout: 3000 }).toBe("");
    await b.context.close();
  });

  it("S15: an agent who begins a new draft while their reply is still on its way stays 'typing' for the others", async () => {
    const [a, b] = await twoAgents();
    const v = await startVisitor();
    await visitorSays(v, "Two answers coming?");
    for (const { page } of [a, b]) {
      await page.goto(`${baseUrl}/conversations/${v.conversationId}`);
      await page.locator("#composer-text").waitFor();
    }
    // The reply takes a while to be answered (a slow network); A's next words reach the room first.
    await a.page.route("**/messages", async (route) => {
      await new Promise((r) => setTimeout(r, 1500));
      await route.continue();
    });
    const composer = a.page.locator("#composer-text");
    await composer.fill("First part");
    await composer.press("Enter");
    await composer.pressSequentially("and a second");
    await expect
      .poll(() => b.page.locator(".thread .message.outbound .text").allTextContents())
      .toEqual(["First part"]);
    await expect.poll(() => typingLine(b.page).textContent()).toBe(`${a.agent.name} is typing…`);
    for (const { context } of [a, b]) await context.close();
  });

  it("S2 S4: a message stays Read while an agent has the conversation on a visible tab; the red dot and the count are the open, not snoozed, unread conversations", {
    timeout: 90_000,
  }, async () => {
    await readEverything(await admin());
    const [a, b] = await twoAgents();
    const v = await startVisitor();
    await visitorSays(v, "Are you reading this?");
    await a.page.goto(`${baseUrl}/conversations/${v.conversationId}`);
    await expect.poll(() => row(b.page, v.conversationId).getAttribute("data-read")).toBe("true");

    // A reads it in a visible tab: the next message keeps it Read for everyone.
    await visitorSays(v, "Still reading?");
    await expect.poll(() => row(b.page, v.conversationId).locator(".preview").textContent()).toBe("Still reading?");
    await b.page.waitForTimeout(300);
    expect(await row(b.page, v.conversationId).getAttribute("data-read")).toBe("true");
    expect(await b.page.getByTestId("unread-dot").count()).toBe(0);
    expect(await b.page.title()).toBe("Conversations");

    // A's tab goes to the background: nobody is reading, so a message makes it unread.
    await setHidden(a.page, true);
    await visitorSays(v, "Hello? Anyone?");
    for (const { page } of [a, b]) {
      await expect.poll(() => row(page, v.conversationId).getAttribute("data-read")).toBe("false");
      await expect.poll(() => page.title()).toBe("(1) Conversations");
      expect(await page.getByTestId("unread-dot").textContent()).toContain("1");
    }
    // Back on the tab, A is reading it again.
    await setHidden(a.page, false);
    await expect.poll(() => row(b.page, v.conversationId).getAttribute("data-read")).toBe("true");
    await expect.poll(() => b.page.getByTestId("unread-dot").count()).toBe(0);

    // Two more unread: snoozing one and completing the other take them off the count.
    const [w, x] = [await startVisitor(), await startVisitor()];
    await visitorSays(w, "Snooze me");
    await visitorSays(x, "Complete me");
    await expect.poll(() => b.page.title()).toBe("(2) Conversations");
    const cookie = b.agent.cookie;
    await call(`/api/conversations/${w.conversationId}/snooze`, { cookie, body: { until: Date.now() + 3_600_000 } });
    await expect.poll(() => b.page.title()).toBe("(1) Conversations");
    await call(`/api/conversations/${x.conversationId}/complete`, { method: "POST", cookie });
    for (const { page } of [a, b]) {
      await expect.poll(() => page.title()).toBe("Conversations");
      await expect.poll(() => page.getByTestId("unread-dot").count()).toBe(0);
    }
    const counts = (await (await call("/api/inbox/counts", { cookie })).json()) as { unread: number };
    expect(counts.unread).toBe(0);
    await a.context.close();
    await b.context.close();
  });
});

describe("#17: the reply channel", () => {
  it("S7: never changed under a started draft or a channel the agent chose; Web Chat is disabled, with the reason, where no chat visitor exists", {
    timeout: 60_000,
  }, async () => {
    // A visitor the site signed in, with their address: an Email reply is pre-selected while they are away.
    const secret = readFileSync(".dev.vars", "utf8").match(/^WIDGET_IDENTITY_SECRET=(.+)$/m)![1]!;
    const userId = `first-hour-${Date.now()}`;
    const email = `${userId}@example.com`;
    const signature = createHmac("sha256", secret).update(`${userId}\n${email}\nRobin`).digest("hex");
    const v = await api.session({ identity: { userId, email, name: "Robin", signature } });
    await visitorSays(v, "Signed in and here");
    const agent = await newAgent();
    const { page, context } = await agentPage(browser, agent.email, agent.password);
    const channel = page.getByLabel("Reply via");
    const presence = page.locator(".conversation-header .presence");

    let visitor = await visitorSocket(v);
    await page.goto(`${baseUrl}/conversations/${v.conversationId}`);
    await expect.poll(() => presence.textContent()).toBe("Online");
    expect(await channel.inputValue()).toBe("chat");
    // A draft is started; the visitor leaves: Web Chat stays (S17: they see it next time).
    await page.locator("#composer-text").fill("Half a reply");
    visitor.close();
    await expect.poll(() => presence.textContent(), { timeout: E2E_PRESENCE.graceMs * 4 }).toBe("Offline");
    await page.waitForTimeout(200);
    expect(await channel.inputValue()).toBe("chat");

    // With no draft and no choice, the pre-selection follows the visitor (S7)…
    await page.reload();
    await expect.poll(() => channel.inputValue()).toBe("email");
    // …but a channel the agent picked stays when the visitor comes back.
    await channel.selectOption("email");
    visitor = await visitorSocket(v);
    sockets.push(visitor);
    await expect.poll(() => presence.textContent()).toBe("Online");
    await page.waitForTimeout(200);
    expect(await channel.inputValue()).toBe("email");

    // An email-only conversation: Web Chat cannot reach it, and says why.
    const id = await emailConversation("Email only, please");
    await page.goto(`${baseUrl}/conversations/${id}`);
    await expect.poll(() => channel.inputValue()).toBe("email");
    expect(await channel.locator("option[value=chat]").isDisabled()).toBe(true);
    expect(await page.locator("#channel-reasons").textContent()).toContain(
      "Web Chat: This conversation has no web chat visitor",
    );
    await context.close();
  });

  it("S7 S26: when the channel stops reaching the conversation mid-draft the composer says so and Send asks; a refusal shows its reason and is dismissed, never retried", {
    timeout: 60_000,
  }, async () => {
    // Messenger's 24-hour window closes 8 s from now.
    const psid = `person-closing-${Date.now()}`;
    const at = Date.now() - 24 * 3_600_000 + 8000;
    const text = `Window closing ${at}`;
    const body = JSON.stringify({
      object: "page",
      entry: [
        {
          id: "PAGE",
          time: at,
          messaging: [
            { sender: { id: psid }, recipient: { id: "PAGE" }, timestamp: at, message: { mid: `mid.${psid}`, text } },
          ],
        },
      ],
    });
    expect((await messengerWebhook(body)).status).toBe(200);
    const agent = await newAgent();
    const { page, context } = await agentPage(browser, agent.email, agent.password);
    await page.locator("a.row", { hasText: text }).click();
    const composer = page.locator("#composer-text");
    await composer.fill("Thanks, here is the answer");
    expect(await page.getByLabel("Reply via").inputValue()).toBe("messenger");
    const problem = page.getByTestId("channel-problem");
    await expect
      .poll(() => problem.textContent(), { timeout: 15_000 })
      .toMatch(/^Messenger cannot reach this conversation now: Messenger: the 24-hour window has closed/);
    expect(await page.getByLabel("Reply via").inputValue()).toBe("messenger");

    // Send asks; Cancel keeps the draft.
    await composer.press("Enter");
    const ask = page.getByRole("alertdialog");
    await ask.waitFor();
    expect(await ask.textContent()).toContain("Messenger cannot reach this conversation now. Send it anyway?");
    await ask.getByRole("button", { name: "Cancel" }).click();
    expect(await ask.count()).toBe(0);
    expect(await composer.inputValue()).toBe("Thanks, here is the answer");

    // Sent anyway, the server refuses it: the reason shows, there is no Retry, and Dismiss puts it away.
    await composer.press("Enter");
    await ask.getByRole("button", { name: "Send anyway" }).click();
    const failed = page.locator(".message.pending.failed");
    await expect.poll(() => failed.locator(".error").textContent()).toMatch(/24 hours/);
    expect(await failed.getByRole("button", { name: "Retry" }).count()).toBe(0);
    await failed.getByRole("button", { name: "Dismiss" }).click();
    expect(await page.locator(".message.pending").count()).toBe(0);

    // A failure a retry can fix (the server answered 503) keeps its Retry.
    await page.route("**/messages", (route) =>
      route.fulfill({
        status: 503,
        contentType: "application/json",
        body: '{"error":{"code":"unavailable","message":"Try again"}}',
      }),
    );
    await composer.fill("Once more");
    await composer.press("Enter");
    await page.getByRole("alertdialog").getByRole("button", { name: "Send anyway" }).click();
    await expect.poll(() => failed.getByRole("button", { name: "Retry" }).count()).toBe(1);
    expect(await failed.getByRole("button", { name: "Dismiss" }).count()).toBe(0);
    await page.unroute("**/messages");
    await context.close();
  });
});

describe("#17: keys", () => {
  it("S30: Email: Enter adds a line, Ctrl+Enter sends; Escape leaves the composer so `e` completes; the saved-response picker works with arrows and Enter; list rows show their focus", {
    timeout: 60_000,
  }, async () => {
    const agent = await newAgent();
    const { page, context } = await agentPage(browser, agent.email, agent.password);
    const id = await emailConversation("Multi-line answers, please");
    await page.goto(`${baseUrl}/conversations/${id}`);
    const composer = page.locator("#composer-text");
    await expect.poll(() => page.getByLabel("Reply via").inputValue()).toBe("email");
    await composer.click();
    await page.keyboard.type("Line one");
    await page.keyboard.press("Enter");
    await page.keyboard.type("Line two");
    expect(await composer.inputValue()).toBe("Line one\nLine two");
    expect(await page.locator(".thread .message.outbound").count()).toBe(0);
    await page.keyboard.press("Control+Enter");
    await expect
      .poll(() => page.locator(".thread .message.outbound .text").allTextContents())
      .toEqual(["Line one\nLine two"]);

    // The picker: "/" opens its search; arrows move through the responses, Enter picks.
    await composer.click();
    await page.keyboard.type("/");
    const picker = page.getByRole("dialog", { name: "Saved responses" });
    const search = picker.getByLabel("Search saved responses");
    await expect.poll(() => search.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.type("Keys");
    await expect.poll(() => picker.locator(".pick").count()).toBe(2);
    for (const key of ["ArrowDown", "ArrowDown", "ArrowUp"]) await page.keyboard.press(key);
    const first = await picker.locator(".pick strong").first().textContent();
    expect(await page.evaluate(() => document.activeElement?.querySelector("strong")?.textContent)).toBe(first);
    await page.keyboard.press("Enter");
    const inserted = first === "Keys first" ? "First answer by keyboard" : "Second answer by keyboard";
    await expect.poll(() => composer.inputValue()).toBe(inserted);
    await expect.poll(() => composer.evaluate((el) => el === document.activeElement)).toBe(true);
    // Enter in the search field picks the first match, and never sends the reply around it.
    await page.keyboard.press("Control+a");
    await page.keyboard.type("/");
    await expect.poll(() => search.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.type("Keys second");
    await expect.poll(() => picker.locator(".pick").count()).toBe(1);
    await page.keyboard.press("Enter");
    await expect.poll(() => composer.inputValue()).toBe("Second answer by keyboard");
    expect(await page.locator(".thread .message.outbound").count()).toBe(1);

    // Escape leaves the reply box: `e` completes instead of typing an "e".
    await composer.click();
    await page.keyboard.press("Escape");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("conversation-title");
    await page.keyboard.press("e");
    await page.locator("#reopen-button").waitFor();
    expect(await composer.inputValue()).toBe("Second answer by keyboard");

    // Chat keeps Enter.
    const v = await startVisitor();
    await visitorSays(v, "Chat keeps Enter");
    await page.goto(`${baseUrl}/conversations/${v.conversationId}`);
    await composer.fill("Sent with Enter");
    await composer.press("Enter");
    await expect
      .poll(() => page.locator(".thread .message.outbound .text").allTextContents())
      .toEqual(["Sent with Enter"]);

    // Rows moved through with j / k show where the focus is.
    await page.goto(baseUrl);
    await page.locator("a.row").first().waitFor();
    await page.locator("body").click();
    await page.keyboard.press("j");
    const focus = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      const style = getComputedStyle(el);
      return {
        row: el.matches("a.row"),
        visible: el.matches(":focus-visible"),
        outline: style.outlineStyle,
        width: Number.parseFloat(style.outlineWidth),
      };
    });
    expect(focus).toMatchObject({ row: true, visible: true, outline: "solid" });
    expect(focus.width).toBeGreaterThanOrEqual(2);
    await context.close();
  });
});
