import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { gzipSync } from "node:zlib";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestSocket } from "../support/test-socket";
import { E2E_PRESENCE } from "../e2e/global-setup";
import {
  admin,
  baseUrl,
  call,
  messengerPersonSays,
  newAgent,
  readEverything,
  startVisitor,
  visitorSays,
  visitorSocket,
  widget,
} from "../e2e/live";
import { launchChromium } from "./chromium";
import { StallingProxy } from "../e2e/tcp-proxy";
import { agentPage, row } from "./inbox-pages";

let browser: Browser;
let a: { page: Page; errors: string[] };
let b: { page: Page; errors: string[] };
const sockets: TestSocket[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  const [agentA, agentB] = [await newAgent(), await newAgent()];
  a = await agentPage(browser, agentA.email, agentA.password);
  b = await agentPage(browser, agentB.email, agentB.password);
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await browser?.close();
});

async function showAll(page: Page) {
  await page.getByLabel("Status").selectOption("all");
}

describe("the inbox, live, in two agents' browsers", () => {
  it("S2 S4: a new message shows the red dot and the count in the title; one agent opening it makes it Read for both", async () => {
    await readEverything(await admin());
    for (const { page } of [a, b]) {
      await page.reload();
      await expect.poll(() => page.getByTestId("unread-dot").count()).toBe(0);
      expect(await page.title()).toBe("Conversations");
    }
    const v = await startVisitor();
    await visitorSays(v, "Hello from a new visitor");
    for (const { page } of [a, b]) {
      await expect.poll(() => page.getByTestId("unread-dot").count()).toBe(1);
      await expect.poll(() => page.title()).toBe("(1) Conversations");
      await expect.poll(() => row(page, v.conversationId).getAttribute("data-read")).toBe("false");
      expect(await page.locator("a.row").first().getAttribute("data-conversation-id")).toBe(v.conversationId);
    }
    await row(a.page, v.conversationId).click();
    await expect.poll(() => a.page.locator(".thread .text").allTextContents()).toEqual(["Hello from a new visitor"]);
    await expect.poll(() => row(b.page, v.conversationId).getAttribute("data-read")).toBe("true");
    await expect.poll(() => b.page.getByTestId("unread-dot").count()).toBe(0);
    await expect.poll(() => b.page.title()).toBe("Conversations");
  });

  it("S4: moving through the list with j / k or the mouse marks nothing Read; Enter opens", async () => {
    await readEverything(await admin());
    const visitors = [await startVisitor(), await startVisitor()];
    for (const v of visitors) await visitorSays(v, "unread one");
    const { page } = b;
    await page.goto(baseUrl);
    for (const v of visitors)
      await expect.poll(() => row(page, v.conversationId).getAttribute("data-read")).toBe("false");
    await page.locator("body").click();
    for (const key of ["j", "j", "k", "j"]) await page.keyboard.press(key);
    await row(page, visitors[0]!.conversationId).hover();
    await page.waitForTimeout(300);
    for (const v of visitors) expect(await row(page, v.conversationId).getAttribute("data-read")).toBe("false");
    const focused = await page.evaluate(() => document.activeElement?.getAttribute("data-conversation-id"));
    expect(visitors.map((v) => v.conversationId)).toContain(focused);
    await page.keyboard.press("Enter");
    await expect.poll(() => row(page, focused!).getAttribute("data-read")).toBe("true");
    expect(page.url()).toBe(`${baseUrl}/conversations/${focused}`);
  });

  it("S3: the green dot shows while the visitor has a page open and clears after they leave", async () => {
    const v = await startVisitor();
    await visitorSays(v, "I am here");
    for (const { page } of [a, b])
      await expect.poll(() => row(page, v.conversationId).getAttribute("data-online")).toBe("false");
    const socket = await visitorSocket(v);
    for (const { page } of [a, b])
      await expect.poll(() => row(page, v.conversationId).getAttribute("data-online")).toBe("true");
    socket.close();
    for (const { page } of [a, b]) {
      await expect
        .poll(() => row(page, v.conversationId).getAttribute("data-online"), { timeout: E2E_PRESENCE.graceMs * 4 })
        .toBe("false");
    }
  });

  it("S5: Complete shows the check mark for both agents; a new visitor message reopens it unread", async () => {
    const v = await startVisitor();
    await visitorSays(v, "Please close my ticket");
    for (const { page } of [a, b]) await showAll(page);
    await a.page.goto(`${baseUrl}/conversations/${v.conversationId}`);
    await showAll(a.page);
    await a.page.locator("#complete-button").click();
    for (const { page } of [a, b]) {
      await expect.poll(() => row(page, v.conversationId).getAttribute("data-status")).toBe("complete");
      await expect.poll(() => row(page, v.conversationId).locator(".check").count()).toBe(1);
    }
    await expect.poll(() => a.page.locator("#reopen-button").count()).toBe(1);
    // S4: while an agent has it open the conversation stays Read, so A goes back to the list first.
    await a.page.goto(baseUrl);
    await showAll(a.page);
    await visitorSays(v, "Sorry, one more question");
    for (const { page } of [a, b]) {
      await expect.poll(() => row(page, v.conversationId).getAttribute("data-status")).toBe("open");
      await expect.poll(() => row(page, v.conversationId).getAttribute("data-read")).toBe("false");
    }
    await row(a.page, v.conversationId).click();
    await expect.poll(() => a.page.locator("#complete-button").count()).toBe(1);
  });

  it("S6 S15: the thread shows each message's author and time (the channel once, in the header); a reply reaches the visitor and typing shows", async () => {
    const v = await startVisitor();
    const visitor = await visitorSocket(v);
    sockets.push(visitor);
    await visitorSays(v, "Can I change my order?");
    const { page } = a;
    await page.goto(`${baseUrl}/conversations/${v.conversationId}`);
    await expect.poll(() => page.locator(".thread .message").count()).toBe(1);
    visitor.send({ type: "typing", typing: true });
    await expect.poll(() => page.locator(".typing").textContent()).toMatch(/typing/);

    await page.locator("#composer-text").fill("Yes, until it ships.");
    await page.keyboard.press("Enter");
    const reply = await visitor.next("message", (f) => f.message.text === "Yes, until it ships.");
    expect(reply.message.direction).toBe("outbound");

    const messages = page.locator(".thread .message");
    await expect.poll(() => messages.count()).toBe(2);
    // One channel in the thread: it is named once, in the header, not on every bubble.
    expect(await page.locator(".conversation-header .channel-chip").textContent()).toBe("Web Chat");
    for (const i of [0, 1]) {
      expect(await messages.nth(i).locator(".tag").count()).toBe(0);
      expect(await messages.nth(i).locator("time").getAttribute("datetime")).toMatch(/^\d{4}-\d\d-\d\dT/);
      // The time in the agent's locale, with the full year on hover.
      expect(await messages.nth(i).locator("time").getAttribute("title")).toContain(String(new Date().getFullYear()));
    }
    expect(await messages.nth(0).locator(".author").textContent()).toMatch(/^Visitor /);
    expect(await messages.nth(1).locator(".author").textContent()).toBe("You");
    expect(await page.locator(".thread .text").allTextContents()).toEqual([
      "Can I change my order?",
      "Yes, until it ships.",
    ]);
  });

  it("S7: Web Chat is pre-selected while the visitor is online; unusable channels are disabled with the reason shown", async () => {
    const v = await startVisitor();
    await visitorSays(v, "hi");
    sockets.push(await visitorSocket(v));
    const { page } = a;
    await page.goto(`${baseUrl}/conversations/${v.conversationId}`);
    await expect.poll(() => page.locator(".presence").textContent()).toBe("Online");
    const select = page.getByLabel("Reply via");
    expect(await select.inputValue()).toBe("chat");
    expect(await select.locator("option[value=email]").isDisabled()).toBe(true);
    expect(await select.locator("option[value=messenger]").isDisabled()).toBe(true);
    expect(await page.locator("#channel-reasons").textContent()).toContain(
      "Email: No email address is known for this conversation",
    );
    expect(await page.locator("#channel-reasons").textContent()).toContain(
      "Messenger: Only for conversations that started on Messenger",
    );
  });

  it("S7 S26: a Messenger thread pre-selects Messenger, shows the time left in the 24-hour window and disables Web Chat", async () => {
    const psid = await messengerPersonSays("Hi from Messenger");
    const { page } = a;
    await page.goto(baseUrl);
    const messengerRow = page.locator("a.row", { hasText: "Hi from Messenger" });
    await messengerRow.click();
    await page.locator("#composer-text").waitFor();
    const select = page.getByLabel("Reply via");
    expect(await select.inputValue()).toBe("messenger");
    expect(await select.locator("option[value=chat]").isDisabled()).toBe(true);
    expect(await page.locator(".window").textContent()).toMatch(/^Messenger: 2[34] h \d+ min left to reply/);
    expect(await page.locator(".conversation-header .channel-chip").textContent()).toBe("Messenger");
    expect(await page.locator(".thread .tag").count()).toBe(0);
    await page.locator("#composer-text").fill("Hello from the inbox");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator(".thread .message.outbound .state").textContent()).toBe("Sent");
    expect(psid).toMatch(/^person-/);
  });

  it("S6: what visitors type is shown as text, never run as HTML", async () => {
    const v = await startVisitor();
    const hostile = `<img src=x onerror=alert(1)><script>alert(2)</script>`;
    await visitorSays(v, hostile);
    const { page, errors } = a;
    await page.goto(`${baseUrl}/conversations/${v.conversationId}`);
    await expect.poll(() => page.locator(".thread .text").first().textContent()).toBe(hostile);
    expect(await page.locator(".thread img, .thread script").count()).toBe(0);
    expect(await row(page, v.conversationId).locator(".preview").textContent()).toBe(hostile);
    await page.waitForTimeout(200);
    expect(errors).toEqual([]);
  });
});

describe("a thread that mixes channels", () => {
  it("S6 S16 S21: a typed address is marked everywhere; once the chat continues by email, every message carries its channel's tag", async () => {
    const v = await startVisitor();
    await visitorSays(v, "Please answer me by email");
    await widget("/contact", { token: v.token, body: { email: `mixed.${Date.now()}@example.org` } });
    const { page } = a;
    await page.goto(`${baseUrl}/conversations/${v.conversationId}`);
    await expect.poll(() => page.locator(".thread .message").count()).toBe(1);
    expect(await page.locator(".thread .tag").count()).toBe(0);
    // S16: the address the visitor typed is marked in the row, the header, the contact and the composer.
    await expect.poll(() => row(page, v.conversationId).locator(".badge.warn").textContent()).toBe("not verified");
    expect(await page.locator(".conversation-header .badge.warn").textContent()).toBe("not verified");
    expect(await page.getByTestId("unverified").textContent()).toBe("not verified");
    expect(await page.getByLabel("Reply via").locator("option[value=email]").textContent()).toMatch(
      /^Email — mixed\.\d+@example\.org \(not verified\)$/,
    );
    await page.getByLabel("Reply via").selectOption("email");
    expect(await page.locator(".composer-bar .badge.warn").textContent()).toBe("not verified");
    await page.locator("#composer-text").fill("Here is the answer by email.");
    await page.getByRole("button", { name: "Send" }).click();
    await expect.poll(() => page.locator(".thread .message .tag").allTextContents()).toEqual(["Web Chat", "Email"]);
  });
});

describe("sending and reconnecting", () => {
  it("S29: a reply that fails to send shows Not sent with Retry, and the retry sends it once", async () => {
    const v = await startVisitor();
    await visitorSays(v, "hello?");
    const { page } = a;
    await page.goto(`${baseUrl}/conversations/${v.conversationId}`);
    await page.locator(".thread .message").first().waitFor();
    await page.route("**/messages", (route) => route.abort("connectionfailed"));
    await page.locator("#composer-text").fill("This one fails first");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator(".message.pending.failed .state").textContent()).toBe("Not sent");
    await page.unroute("**/messages");
    await page.getByRole("button", { name: "Retry" }).click();
    await expect.poll(() => page.locator(".message.pending").count()).toBe(0);
    expect(await page.locator(".thread .text").allTextContents()).toEqual(["hello?", "This one fails first"]);
    expect(await page.locator(".thread .message.outbound .state").textContent()).toBe("Sent");
  });

  it("S28: a reply refused for posting too fast (429) keeps the draft and says why", async () => {
    const v = await startVisitor();
    await visitorSays(v, "are you there?");
    const { page } = a;
    await page.goto(`${baseUrl}/conversations/${v.conversationId}`);
    await page.locator(".thread .message").first().waitFor();
    const body = JSON.stringify({ error: { code: "rate_limited", message: "Too many messages; wait 7 s" } });
    await page.route("**/messages", (route) =>
      route.fulfill({ status: 429, headers: { "content-type": "application/json", "retry-after": "7" }, body }),
    );
    await page.locator("#composer-text").fill("Sent too fast");
    await page.keyboard.press("Enter");
    await expect
      .poll(() => page.getByRole("alert").filter({ hasText: "Too many messages" }).textContent())
      .toContain("Too many messages; wait 7 s");
    expect(await page.locator("#composer-text").inputValue()).toBe("Sent too fast");
    expect(await page.locator(".message.pending").count()).toBe(0);
    await page.unroute("**/messages");
    await page.getByRole("button", { name: "Send" }).click();
    await expect
      .poll(() => page.locator(".thread .message.outbound .text").allTextContents())
      .toEqual(["Sent too fast"]);
    expect(await page.locator(".composer-error").textContent()).toBe("");
  });

  it("S29: after the network drops, the app reconnects and shows what it missed, each message once", async () => {
    const proxy = new StallingProxy({ host: "127.0.0.1", port: Number(new URL(baseUrl).port) });
    const via = `http://${await proxy.listen()}`;
    try {
      const v = await startVisitor();
      await visitorSays(v, "before the drop");
      const { page } = b; // cookies are per host, not per port: the session works through the proxy too
      await page.goto(`${via}/conversations/${v.conversationId}`);
      await expect.poll(() => page.locator(".thread .text").allTextContents()).toEqual(["before the drop"]);

      proxy.refusing = true;
      proxy.drop();
      await expect.poll(() => page.getByRole("status").textContent()).toBe("Reconnecting…");
      await visitorSays(v, "missed one");
      await visitorSays(v, "missed two");
      proxy.refusing = false;

      await expect
        .poll(() => page.locator(".thread .text").allTextContents(), { timeout: 15_000 })
        .toEqual(["before the drop", "missed one", "missed two"]);
      await expect.poll(() => page.getByRole("status").count()).toBe(0);
      await visitorSays(v, "after the return");
      await expect
        .poll(() => page.locator(".thread .text").allTextContents())
        .toEqual(["before the drop", "missed one", "missed two", "after the return"]);
      await expect.poll(() => row(page, v.conversationId).locator(".preview").textContent()).toBe("after the return");
    } finally {
      await b.page.goto(baseUrl);
      proxy.close();
    }
  });
});

describe("signing in and the team", () => {
  it("S9: without a session every page shows only the sign-in form", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const v = await startVisitor();
    await visitorSays(v, "secret content");
    for (const path of ["/", `/conversations/${v.conversationId}`, "/admin/agents"]) {
      await page.goto(`${baseUrl}${path}`);
      await page.getByRole("button", { name: "Sign in" }).waitFor();
      expect(await page.content()).not.toContain("secret content");
      expect(await page.locator("nav.menu").count()).toBe(0);
    }
    await context.close();
  });

  it("S9: an admin adds an agent, changes the role and deactivates them from the admin screen", async () => {
    const boss = await newAgent("admin");
    const { page, context } = await agentPage(browser, boss.email, boss.password);
    await page.getByRole("link", { name: "Agents" }).click();
    const email = `added-${Date.now()}@example.com`;
    await page.getByLabel("Name", { exact: true }).fill("Added Agent");
    await page.getByLabel("Email", { exact: true }).fill(email);
    await page.getByLabel("Initial password").fill("initial-password-1");
    await page.getByRole("button", { name: "Add", exact: true }).click();
    const line = page.locator(`tr[data-agent-email="${email}"]`);
    await line.waitFor();
    await line.getByRole("combobox").selectOption("admin");
    await expect
      .poll(
        async () =>
          (
            (await (await call("/api/agents", { cookie: await admin() })).json()) as {
              agents: { email: string; role: string }[];
            }
          ).agents.find((x) => x.email === email)?.role,
      )
      .toBe("admin");
    // Deactivation asks first, and says what it does.
    await line.getByRole("button", { name: "Deactivate" }).click();
    const ask = line.getByRole("alertdialog");
    expect(await ask.textContent()).toContain("Their open conversations become unassigned");
    await ask.getByRole("button", { name: "Deactivate Added Agent" }).click();
    await expect.poll(() => line.textContent()).toContain("Deactivated");
    const signIn = await call("/api/auth/sign-in", { body: { email, password: "initial-password-1" } });
    expect(signIn.status).toBe(401);

    // S10: the saved responses screen manages their categories, for admins.
    await page.getByRole("link", { name: "Saved responses" }).click();
    const name = `Returns ${Date.now()}`;
    await page.locator("#new-category").fill(name);
    await page.getByRole("button", { name: "Add a category" }).click();
    const item = page.locator(`.categories li[data-name="${name}"]`);
    await item.getByRole("button", { name: "Archive" }).click();
    await expect.poll(() => item.textContent()).toContain("Archived");
    await context.close();
  });

  it("S30: the inbox speaks Spanish to a Spanish browser", async () => {
    const agent = await newAgent();
    const { page, context } = await agentPage(browser, agent.email, agent.password, { locale: "es-ES" });
    expect(await page.locator("nav.menu").getByRole("link").first().textContent()).toContain("Conversaciones");
    expect(await page.getByLabel("Estado").count()).toBe(1);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("es");
    await context.close();
  });
});

describe("accessibility and size", () => {
  const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
  async function seriousViolations(page: Page) {
    await page.evaluate(axeSource);
    const result = (await page.evaluate(() =>
      (window as unknown as { axe: { run(): Promise<unknown> } }).axe.run(),
    )) as {
      violations: { id: string; impact: string; nodes: unknown[] }[];
    };
    return result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.nodes.length})`);
  }

  it("S30: axe finds no serious or critical violation on the sign-in, list and conversation screens", async () => {
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    await page.goto(baseUrl);
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();

    const agent = await newAgent();
    const signedIn = await agentPage(browser, agent.email, agent.password, { bypassCSP: true });
    await signedIn.page.locator("a.row").first().waitFor();
    expect(await seriousViolations(signedIn.page)).toEqual([]);
    await signedIn.page.locator("a.row").first().click();
    await signedIn.page.locator("#composer-text").waitFor();
    expect(await seriousViolations(signedIn.page)).toEqual([]);
    if (process.env.SCREENSHOT) await signedIn.page.screenshot({ path: "docs/inbox.png" });
    await signedIn.context.close();
  });

  it("the built inbox app (JS + CSS) is at most 60 KB gzipped", () => {
    const bytes = ["public/build/inbox.js", "public/build/inbox.css"].reduce(
      (n, f) => n + gzipSync(readFileSync(f)).byteLength,
      0,
    );
    expect(bytes).toBeLessThanOrEqual(60 * 1024);
  });
});
