import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Browser, Page, WebSocketRoute } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConversationSummary, Message } from "../../src/protocol";
import type { TestSocket } from "../support/test-socket";
import { agentSays, agentSocket, call, newAgent } from "../e2e/live";
import { launchChromium } from "./chromium";
import { eventually, HostSite, newVisitor, savedState, workerRequests } from "./widget-host";

let browser: Browser;
let site: HostSite;
let agent: Awaited<ReturnType<typeof newAgent>>;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  [browser, site, agent] = await Promise.all([launchChromium(), new HostSite().start(), newAgent()]);
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await browser?.close();
  await site?.stop();
});

const launcher = (page: Page) => page.getByRole("button", { name: /^Open chat|^Close chat$/ }).first();
const panel = (page: Page) => page.getByRole("dialog", { name: "Chat with us" });
const composer = (page: Page) => page.getByRole("textbox", { name: "Message" });
const log = (page: Page) => page.getByRole("log", { name: "Messages" });

async function openWidget(page: Page, path = site.page()) {
  await page.goto(site.url(path));
  await launcher(page).click();
  await panel(page).waitFor();
}

async function say(page: Page, text: string) {
  await composer(page).fill(text);
  await composer(page).press("Enter");
  await expect
    .poll(() => log(page).locator(".mine", { hasText: text }).locator(".meta").textContent(), { timeout: 5000 })
    .toBe("Sent");
}

async function conversationOf(page: Page): Promise<string> {
  await eventually(async () => (await savedState(page)).conversationId).toMatch(/^c_/);
  return (await savedState(page)).conversationId!;
}

async function agentView(id: string) {
  const res = await call(`/api/conversations/${id}`, { cookie: agent.cookie });
  return (await res.json()) as { conversation: ConversationSummary; visitorOnline: boolean; messages: Message[] };
}

async function agentReplies(id: string, text: string) {
  const { res } = await agentSays(agent.cookie, id, text);
  expect(res.status).toBe(201);
}

describe("the chat widget on a customer's site (another origin)", () => {
  it("S15: a visitor and an agent chat live: messages both ways, typing both ways, sending then sent", async () => {
    const { context, page } = await newVisitor(browser);
    await openWidget(page);
    await say(page, "Hello from the shop page");
    const id = await conversationOf(page);

    const room = await agentSocket(agent.cookie, id);
    sockets.push(room);
    await room.waitFor(() => room.messages().length > 0, "the backlog");
    expect(room.messages().map((m) => m.text)).toEqual(["Hello from the shop page"]);

    await composer(page).pressSequentially("Do you ship");
    await room.next("typing", (f) => f.who === "visitor" && f.typing);
    // A visitor who keeps typing past the inbox's fade (~6 s without news) says so again.
    await composer(page).pressSequentially(" to Lisbon and to Porto", { delay: 150 });
    const sayingTyping = () => room.frames.filter((f) => f.type === "typing" && f.who === "visitor" && f.typing);
    await room.waitFor(() => sayingTyping().length >= 2, "a second typing frame while the visitor types on");

    room.send({ type: "typing", typing: true, composing: "chat" });
    await eventually(() => page.getByText(`${agent.name} is typing…`).count()).toBe(1);
    await agentSays(agent.cookie, id, "Yes, we ship everywhere.");
    await eventually(() => log(page).getByText("Yes, we ship everywhere.").count()).toBe(1);
    await eventually(() => page.getByText(`${agent.name} is typing…`).count()).toBe(0);
    expect(await log(page).locator(".theirs .who").last().textContent()).toBe(agent.name);
    // S3: the open page keeps the visitor online for the agents.
    expect((await agentView(id)).visitorOnline).toBe(true);
    await context.close();
  });

  it("S14: a reload brings the history back; cleared storage starts a new conversation", async () => {
    const { context, page } = await newVisitor(browser);
    const path = site.page();
    await openWidget(page, path);
    await say(page, "Remember me?");
    const id = await conversationOf(page);
    await agentReplies(id, "Of course.");
    await eventually(() => log(page).getByText("Of course.").count()).toBe(1);

    await page.reload();
    await launcher(page).click();
    await eventually(() => log(page).locator(".m p").allTextContents()).toEqual([
      "Hi! How can we help?",
      "Remember me?",
      "Of course.",
    ]);

    await page.evaluate(() => localStorage.clear());
    await page.reload();
    await launcher(page).click();
    await panel(page).waitFor();
    await eventually(() => log(page).locator(".m p").allTextContents()).toEqual(["Hi! How can we help?"]);
    await say(page, "A new question");
    expect(await conversationOf(page)).not.toBe(id);
    await context.close();
  });

  it("S29: a send that fails shows failed with a retry; the retry is stored once", async () => {
    const { context, page } = await newVisitor(browser);
    await openWidget(page);
    await say(page, "First message");
    const id = await conversationOf(page);
    await page.route("**/api/widget/messages", (route) =>
      route.request().method() === "POST" ? route.abort() : route.continue(),
    );
    await composer(page).fill("This one fails at first");
    await composer(page).press("Enter");
    const failed = log(page).locator(".mine.failed", { hasText: "This one fails at first" });
    await eventually(() => failed.locator(".meta").textContent()).toBe("Not sent.Retry");

    await page.unroute("**/api/widget/messages");
    await failed.getByRole("button", { name: "Retry" }).click();
    await eventually(() =>
      log(page).locator(".mine", { hasText: "This one fails at first" }).locator(".meta").textContent(),
    ).toBe("Sent");
    expect((await agentView(id)).messages.map((m) => m.text)).toEqual(["First message", "This one fails at first"]);
    await context.close();
  });

  it("S29: a dropped socket reconnects with backoff and resumes: a reply sent meanwhile arrives once", async () => {
    const { context, page } = await newVisitor(browser);
    const routes: WebSocketRoute[] = [];
    let framesFromServer = 0;
    let refuse = false;
    await page.routeWebSocket(/\/api\/widget\/socket/, (ws) => {
      routes.push(ws);
      if (refuse) void ws.close({ code: 4000, reason: "network down" });
      else {
        const server = ws.connectToServer();
        server.onMessage((frame) => {
          framesFromServer++;
          ws.send(frame);
        });
      }
    });
    await openWidget(page);
    await say(page, "Before the drop");
    const id = await conversationOf(page);
    await eventually(() => routes.length).toBe(1);
    await eventually(() => framesFromServer).toBe(1); // the welcome: connected

    refuse = true;
    await routes[0]!.close({ code: 4000, reason: "network down" });
    await eventually(() => page.getByRole("status").textContent()).toBe("Connection lost. Reconnecting…");
    await agentReplies(id, "Sent while you were cut off");
    await expect.poll(() => routes.length, { timeout: 5000 }).toBeGreaterThan(1); // it keeps trying
    refuse = false;
    await expect.poll(() => log(page).getByText("Sent while you were cut off").count(), { timeout: 15_000 }).toBe(1);
    // It resumed after the last sequence it had seen, so the server sent only what it missed.
    expect(new URL(routes.at(-1)!.url()).searchParams.get("after")).toBe("1");
    await eventually(() => page.locator("chat-widget .status").textContent()).toBe("");
    expect(await log(page).locator(".m p").allTextContents()).toEqual([
      "Hi! How can we help?",
      "Before the drop",
      "Sent while you were cut off",
    ]);
    await context.close();
  });

  it("S16: the email form links the contact, marked unverified; Not now hides it until the next page", async () => {
    const { context, page } = await newVisitor(browser);
    const path = site.page();
    await openWidget(page, path);
    const form = page.getByRole("textbox", { name: "Email" });
    expect(await form.count()).toBe(0); // asked only once the visitor has written
    await say(page, "Can you email me the invoice?");
    await form.waitFor();
    await page.getByRole("button", { name: "Not now" }).click();
    expect(await form.count()).toBe(0);

    await page.reload();
    await launcher(page).click();
    await form.waitFor();
    await form.fill("not-an-email");
    await page.getByRole("button", { name: "Save" }).click();
    await eventually(() => page.getByRole("alert").filter({ hasText: "valid email" }).count()).toBe(1);
    const email = `visitor.${Date.now()}@example.com`;
    await form.fill(email);
    await page.getByRole("button", { name: "Save" }).click();
    await eventually(() => page.getByText(`We'll reply to ${email} if you are away.`).count()).toBe(1);
    expect(await form.count()).toBe(0);

    const id = await conversationOf(page);
    await eventually(async () => (await agentView(id)).conversation.contact).toMatchObject({ email, verified: false });
    await expect
      .poll(async () => {
        const res = await call("/api/conversations?limit=50", { cookie: agent.cookie });
        return ((await res.json()) as { conversations: ConversationSummary[] }).conversations.find((c) => c.id === id)
          ?.contact;
      })
      .toMatchObject({ email, verified: false });
    await context.close();
  });

  it("S17: an agent reply while the panel is closed shows an unread badge; opening reads it", async () => {
    const { context, page } = await newVisitor(browser);
    const path = site.page();
    await openWidget(page, path);
    await say(page, "I'll wait here");
    const id = await conversationOf(page);
    await page.keyboard.press("Escape");
    await eventually(() => panel(page).isVisible()).toBe(false);

    await agentReplies(id, "Thanks for waiting!");
    await eventually(() => page.getByRole("button", { name: "Open chat, 1 unread message" }).count()).toBe(1);
    expect(await page.locator("chat-widget .badge").textContent()).toBe("1");
    await launcher(page).click();
    await eventually(() => log(page).getByText("Thanks for waiting!").count()).toBe(1);
    await page.keyboard.press("Escape");
    await eventually(() => page.getByRole("button", { name: "Open chat", exact: true }).count()).toBe(1);

    // A new page: the device has a conversation, so the loader connects once idle (S3) without the panel.
    const requests = workerRequests(page);
    await page.reload();
    await expect
      .poll(() => requests.some((r) => r.startsWith("WS /api/widget/socket")), { timeout: 10_000 })
      .toBe(true);
    expect(requests.filter((r) => r.includes("/build/widget/"))).toEqual([]);
    await eventually(async () => (await agentView(id)).visitorOnline).toBe(true);
    expect(await page.getByRole("button", { name: "Open chat", exact: true }).count()).toBe(1);
    await agentReplies(id, "One more thing");
    await eventually(() => page.getByRole("button", { name: "Open chat, 1 unread message" }).count()).toBe(1);

    // Read in another tab of the site: this tab's badge follows.
    const other = await context.newPage();
    await other.goto(site.url(path));
    await expect
      .poll(() => other.getByRole("button", { name: "Open chat, 1 unread message" }).count(), { timeout: 10_000 })
      .toBe(1);
    await launcher(other).click();
    await eventually(() => log(other).getByText("One more thing").count()).toBe(1);
    await eventually(() => page.getByRole("button", { name: "Open chat", exact: true }).count()).toBe(1);
    await context.close();
  });

  it("S17: a visitor who left sees the agent's chat reply when they come back", async () => {
    const { context, page } = await newVisitor(browser);
    const path = site.page();
    await openWidget(page, path);
    await say(page, "Bye for now");
    const id = await conversationOf(page);
    await page.close();
    await expect.poll(async () => (await agentView(id)).visitorOnline, { timeout: 10_000 }).toBe(false);
    await agentReplies(id, "Answer while you were away");

    const back = await context.newPage();
    await back.goto(site.url(path));
    await expect
      .poll(() => back.getByRole("button", { name: "Open chat, 1 unread message" }).count(), { timeout: 10_000 })
      .toBe(1);
    await launcher(back).click();
    await eventually(() => log(back).locator(".m p").allTextContents()).toEqual([
      "Hi! How can we help?",
      "Bye for now",
      "Answer while you were away",
    ]);
    await context.close();
  });

  it("S5: a message after Complete reopens the conversation, unread", async () => {
    const { context, page } = await newVisitor(browser);
    await openWidget(page);
    await say(page, "Thanks, solved");
    const id = await conversationOf(page);
    await call(`/api/conversations/${id}/open`, { method: "POST", cookie: agent.cookie });
    const done = await call(`/api/conversations/${id}/complete`, { method: "POST", cookie: agent.cookie });
    expect(((await done.json()) as { conversation: ConversationSummary }).conversation.status).toBe("complete");
    await say(page, "Actually, one more question");
    await eventually(async () => (await agentView(id)).conversation).toMatchObject({ status: "open", read: false });
    await context.close();
  });

  it("S13: the host page's JS API opens, closes and toggles the panel, also through the queue before load", async () => {
    const { context, page } = await newVisitor(browser);
    await page.goto(site.url(site.page({ head: `<script>window.ChatWidget = [["open"]];</script>` })));
    await panel(page).waitFor();
    await page.evaluate(() => (window as unknown as { ChatWidget: { close(): void } }).ChatWidget.close());
    await eventually(() => panel(page).isVisible()).toBe(false);
    await page.evaluate(() => (window as unknown as { ChatWidget: { toggle(): void } }).ChatWidget.toggle());
    await eventually(() => panel(page).isVisible()).toBe(true);
    expect(
      await page.evaluate(() => (window as unknown as { ChatWidget: { isOpen: boolean } }).ChatWidget.isOpen),
    ).toBe(true);
    await page.evaluate(() =>
      (window as unknown as { ChatWidget: { push(c: unknown[]): void } }).ChatWidget.push(["toggle"]),
    );
    await eventually(() => panel(page).isVisible()).toBe(false);
    await context.close();
  });

  it("S14: a user the host site signs in keeps one history across devices; a bad signature is refused", async () => {
    const secret = readFileSync(".dev.vars", "utf8").match(/^WIDGET_IDENTITY_SECRET=(.+)$/m)![1]!;
    const userId = `user-${Date.now()}`;
    const email = `${userId}@example.com`;
    const signature = createHmac("sha256", secret).update(`${userId}\n${email}\nPat`).digest("hex");
    const identity = { userId, email, name: "Pat", signature };
    const path = site.page({
      head: `<script>window.ChatWidget = [["identify", ${JSON.stringify(identity)}]];</script>`,
    });

    const laptop = await newVisitor(browser);
    await openWidget(laptop.page, path);
    await say(laptop.page, "Written on my laptop");
    expect((await savedState(laptop.page)).hasMessages).toBeFalsy();

    const phone = await newVisitor(browser);
    await openWidget(phone.page, path);
    await eventually(() => log(phone.page).locator(".m p").allTextContents()).toEqual([
      "Hi! How can we help?",
      "Written on my laptop",
    ]);
    await say(phone.page, "And now on my phone");
    await eventually(() => log(laptop.page).locator(".m p").allTextContents()).toContain("And now on my phone");

    const intruder = await newVisitor(browser);
    await intruder.page.goto(site.url(site.page()));
    await launcher(intruder.page).waitFor();
    const refused = await intruder.page.evaluate(
      (bad) =>
        (window as unknown as { ChatWidget: { identify(i: unknown): Promise<void> } }).ChatWidget.identify(bad).then(
          () => "accepted",
          (err: { code?: string }) => err.code,
        ),
      { ...identity, signature: "0".repeat(64) },
    );
    expect(refused).toBe("identity_invalid");
    await launcher(intruder.page).click();
    await panel(intruder.page).waitFor();
    await intruder.page.waitForTimeout(500);
    expect(await log(intruder.page).locator(".m p").allTextContents()).toEqual(["Hi! How can we help?"]);

    const res = await call("/api/conversations?limit=50", { cookie: agent.cookie });
    const listed = ((await res.json()) as { conversations: ConversationSummary[] }).conversations.find(
      (c) => c.contact?.email === email,
    );
    expect(listed?.contact).toMatchObject({ email, name: "Pat", verified: true });
    for (const v of [laptop, phone, intruder]) await v.context.close();
  });
});
