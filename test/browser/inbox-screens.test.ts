import type { Browser, Locator } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { admin, baseUrl, call, newAgent, startVisitor, visitorSays, visitorSocket } from "../e2e/live";
import type { TestSocket } from "../support/test-socket";
import { launchChromium } from "./chromium";
import { row } from "./inbox-pages";
import { expectReachable, expectScreenSound, SCREENS, type Screen } from "./screens";

let browser: Browser;
let categoryName: string;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  const cookie = await admin();
  categoryName = `Screens ${Date.now()}`;
  const res = await call("/api/saved-responses/categories", { cookie, body: { name: categoryName } });
  const { category } = (await res.json()) as { category: { id: string } };
  await call("/api/saved-responses", {
    cookie,
    body: {
      categoryId: category.id,
      title: "Order on its way",
      body: "Hi {{contact.first_name | there}}, your order is on its way.",
    },
  });
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await browser?.close();
});

const WORDS = {
  "en-US": {
    signIn: "Sign in",
    savedResponses: "Saved responses",
    category: "Category",
    send: "Send",
    complete: "Complete",
    reopen: "Reopen",
    back: "Back to conversations",
    contact: "Contact details",
    backToConversation: "Back to the conversation",
    conversations: "Conversations",
  },
  "es-ES": {
    signIn: "Iniciar sesión",
    savedResponses: "Respuestas guardadas",
    category: "Categoría",
    send: "Enviar",
    complete: "Completar",
    reopen: "Reabrir",
    back: "Volver a las conversaciones",
    contact: "Datos del contacto",
    backToConversation: "Volver a la conversación",
    conversations: "Conversaciones",
  },
} as const;

let ip = 0;
async function open(screen: Screen, locale: keyof typeof WORDS, options: { colorScheme?: "light" | "dark" } = {}) {
  const context = await browser.newContext({
    locale,
    viewport: screen.viewport,
    deviceScaleFactor: screen.deviceScaleFactor,
    isMobile: screen.isMobile,
    hasTouch: screen.hasTouch,
    colorScheme: options.colorScheme ?? "light",
    bypassCSP: true, // to load axe-core into the page
    extraHTTPHeaders: { "cf-connecting-ip": `10.201.${process.pid % 250}.${++ip}` },
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  return { context, page, errors };
}

/** Whether a control draws something: a child larger than the 1 px that visually hidden text keeps. */
function showsSomething(control: Locator) {
  return control.evaluate((el) =>
    [...el.querySelectorAll("*")].some((child) => {
      const box = child.getBoundingClientRect();
      return (
        box.width > 1 && box.height > 1 && (child instanceof SVGElement || (child.textContent ?? "").trim() !== "")
      );
    }),
  );
}

/** Clicks a control after checking that it is on screen and uncovered. */
async function press(control: Locator, what: string) {
  await expectReachable(control, what);
  await control.click();
}

describe("S42: the inbox on every screen, in English and Spanish", () => {
  for (const screen of SCREENS) {
    for (const locale of ["en-US", "es-ES"] as const) {
      it(`S42 S30: ${screen.name}, ${locale}: sign in, open a conversation, pick a saved response, reply, complete, go back`, {
        timeout: 90_000,
      }, async () => {
        const w = WORDS[locale];
        const agent = await newAgent();
        const v = await startVisitor();
        await visitorSays(v, `Where is my order? (${screen.viewport.width} px, ${locale})`);
        const { context, page, errors } = await open(screen, locale);
        const onePane = screen.viewport.width < 900;
        const contactIsAPane = screen.viewport.width < 1200;

        // Sign in.
        await page.goto(baseUrl);
        await expectScreenSound(page, "sign-in");
        await page.locator("#email").fill(agent.email);
        await page.locator("#password").fill(agent.password);
        await press(page.getByRole("button", { name: w.signIn }), "Sign in");

        // The list.
        const conversation = row(page, v.conversationId);
        await conversation.waitFor();
        await expectScreenSound(page, "list");
        await press(conversation, "the conversation's row");

        // The conversation: one pane at a time on a narrow screen, the URL following.
        await page.locator("#composer-text").waitFor();
        expect(page.url()).toBe(`${baseUrl}/conversations/${v.conversationId}`);
        expect(await conversation.isVisible()).toBe(!onePane);
        const focused = () => page.evaluate(() => document.activeElement?.id ?? null);
        // The focus follows the pane it was in when that pane goes away (screen readers, keyboards).
        if (onePane) await expect.poll(focused).toBe("conversation-title");
        await expectReachable(page.locator("#composer-text"), "the reply box");
        await expectReachable(page.getByRole("button", { name: w.send }), "Send");
        await expectScreenSound(page, "conversation");
        // The header's menus show something (an icon, an avatar or words) even where their words are hidden.
        for (const id of ["assign-button", "triage-button"]) {
          await expect.poll(() => showsSomething(page.locator(`#${id}`)), { message: id }).toBe(true);
        }

        // A saved response.
        await press(page.getByRole("button", { name: w.savedResponses }), "Saved responses");
        const picker = page.getByRole("dialog", { name: w.savedResponses });
        await picker.waitFor();
        await expectReachable(picker.getByLabel(w.category), "the category");
        await picker.getByLabel(w.category).selectOption({ label: categoryName });
        await press(picker.getByRole("button", { name: /Order on its way/ }), "the saved response");
        await expect
          .poll(() => page.locator("#composer-text").inputValue())
          .toBe("Hi {{contact.first_name | there}}, your order is on its way.");
        expect(await picker.count()).toBe(0);

        // Reply.
        await press(page.getByRole("button", { name: w.send }), "Send");
        await expect
          .poll(() => page.locator(".thread .message.outbound .text").last().textContent())
          .toBe("Hi there, your order is on its way.");
        expect(await page.locator("#composer-text").inputValue()).toBe("");
        await expectScreenSound(page, "after the reply");

        // Complete.
        await press(page.getByRole("button", { name: w.complete }), "Complete");
        await expectReachable(page.getByRole("button", { name: w.reopen }), "Reopen");

        // The contact: a pane of its own below 1200 px, with its own back action.
        if (contactIsAPane) {
          await press(page.getByRole("link", { name: w.contact }), "Contact details");
          await expect.poll(() => page.url()).toBe(`${baseUrl}/conversations/${v.conversationId}/contact`);
          expect(await page.locator("#composer-text").isVisible()).toBe(false);
          await expect.poll(focused).toBe("contact-title");
          await expectScreenSound(page, "contact");
          await press(page.getByRole("button", { name: w.backToConversation }), "Back to the conversation");
          await expect.poll(() => page.url()).toBe(`${baseUrl}/conversations/${v.conversationId}`);
          await expect.poll(focused).toBe("conversation-title");
        } else {
          // Wide enough: the contact is a column beside the conversation.
          expect(await page.locator("#contact-title").isVisible()).toBe(true);
        }

        // Back to the list.
        if (onePane) await press(page.getByRole("button", { name: w.back }), "Back");
        else await press(page.locator("nav.menu").getByRole("link", { name: w.conversations }), "Conversations");
        await expect.poll(() => page.url()).toBe(`${baseUrl}/`);
        // Completed, it has left the Open list; the list is back on screen.
        await expectReachable(page.locator("#list-search"), "the list's search, back in the list");
        await expect.poll(() => conversation.count()).toBe(0);
        await expectScreenSound(page, "list again");
        expect(errors).toEqual([]);
        await context.close();
      });
    }
  }

  it("S42: the dark theme (prefers-color-scheme) is axe clean too, on a phone and a desktop", {
    timeout: 60_000,
  }, async () => {
    const v = await startVisitor();
    await visitorSays(v, "Dark mode please");
    for (const screen of [SCREENS[0], SCREENS[3]]) {
      const agent = await newAgent();
      const { context, page } = await open(screen, "en-US", { colorScheme: "dark" });
      await page.goto(baseUrl);
      await page.locator("#email").fill(agent.email);
      await page.locator("#password").fill(agent.password);
      await page.getByRole("button", { name: "Sign in" }).click();
      await row(page, v.conversationId).click();
      await page.locator("#composer-text").waitFor();
      expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).not.toBe("rgb(244, 245, 247)");
      await expectScreenSound(page, `dark, ${screen.name}`);
      await context.close();
    }
  });
});

describe("state that scales with the app", () => {
  it("a typing frame re-renders the typing line and nothing else (render counts)", async () => {
    const agent = await newAgent();
    const v = await startVisitor();
    await visitorSays(v, "Watch me type");
    const visitor = await visitorSocket(v);
    sockets.push(visitor);
    const { context, page } = await open(SCREENS[3], "en-US");
    await page.goto(baseUrl);
    await page.locator("#email").fill(agent.email);
    await page.locator("#password").fill(agent.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await row(page, v.conversationId).click();
    await expect.poll(() => page.locator(".thread .message").count()).toBe(1);
    await expect.poll(() => page.locator(".presence").textContent()).toBe("Online");
    await page.waitForTimeout(300); // the open's own answers (Read, the socket's welcome) have arrived
    const renders = () =>
      page.evaluate(() => ({ ...(window as unknown as { __inboxRenders: Record<string, number> }).__inboxRenders }));
    const before = await renders();

    visitor.send({ type: "typing", typing: true });
    await expect.poll(() => page.locator(".typing").textContent()).toMatch(/is typing/);
    await expect.poll(() => row(page, v.conversationId).locator(".preview").textContent()).toMatch(/is typing/);
    visitor.send({ type: "typing", typing: false });
    await expect.poll(() => page.locator(".typing").textContent()).toBe("");
    const after = await renders();

    for (const view of ["app", "menu", "list", "row", "conversation", "thread", "composer"]) {
      expect(after[view] ?? 0, `${view} renders`).toBe(before[view] ?? 0);
    }
    expect(after["typing-line"]!).toBeGreaterThanOrEqual((before["typing-line"] ?? 0) + 2);
    await context.close();
  });
});
