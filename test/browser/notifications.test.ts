import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseUrl, call, clientId, newAgent } from "../e2e/live";
import { launchChromium } from "./chromium";
import { agentPage, row } from "./inbox-pages";
import {
  assign,
  bell,
  bellName,
  connected,
  conversation,
  mention,
  noticesOf,
  onlyMentionsAndAssignments,
} from "./notices";
import { expectScreenSound, SCREENS } from "./screens";

type Agent = Awaited<ReturnType<typeof newAgent>>;

let browser: Browser;
/** The colleague whose mentions and assignments notify the others (through the API, as their inbox would). */
let cal: Agent;

beforeAll(async () => {
  browser = await launchChromium();
  cal = await newAgent();
});
afterAll(async () => {
  await browser?.close();
});

const items = (page: Page) => page.locator("#notices-panel li.notice");

describe("the bell: my notices in the inbox (S39)", () => {
  it("S39: the bell counts my notices live, lists them in my language, opens one at its message (read), and Mark all read reads the rest", async () => {
    const bea = await newAgent();
    await onlyMentionsAndAssignments(bea.cookie);
    const { page, errors } = await agentPage(browser, bea.email, bea.password);
    await connected(bea.cookie, bea.id);
    await expect.poll(() => bellName(page)).toBe("Notifications");

    const first = await conversation("My parcel never arrived");
    await assign(cal, first, bea.id);
    await expect.poll(() => bellName(page)).toBe("Notifications: 1 unread");
    expect(await page.getByRole("button", { name: "Notifications: 1 unread", exact: true }).count()).toBe(1);
    expect(await page.locator('[data-testid="notices-count"]').textContent()).toBe("1");
    // Screen readers hear it (a polite live region; mentions and customer messages are said where they show).
    expect(await page.locator(".bell [aria-live=polite]").textContent()).toBe(
      `${cal.name} assigned you a conversation`,
    );

    const second = await conversation("Wrong size delivered");
    const seq = await mention(cal, second, bea.id, "Can you check the size chart for this one?");
    await expect.poll(() => bellName(page)).toBe("Notifications: 2 unread");

    await bell(page).click();
    await expect.poll(() => bell(page).getAttribute("aria-expanded")).toBe("true");
    await expect.poll(() => items(page).count()).toBe(2);
    // Newest first, unread, said in words (not only by their style).
    expect(await items(page).nth(0).textContent()).toMatch(
      new RegExp(`^Unread: ${cal.name} mentioned you.*Can you check the size chart`),
    );
    expect(await items(page).nth(1).textContent()).toContain(`${cal.name} assigned you a conversation`);
    // Each names its conversation as the list does.
    const who = await row(page, second).locator(".who").textContent();
    expect(await items(page).nth(0).locator(".notice-where").textContent()).toBe(who);
    expect(await page.locator("#notices-panel li.notice.unread").count()).toBe(2);
    // The keyboard is in the panel; Escape gives it back to the bell.
    await expect.poll(() => page.evaluate(() => document.activeElement?.className)).toBe("notice-link");
    await page.keyboard.press("Escape");
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("bell-button");
    await page.keyboard.press("Enter");

    // Live: a third arrives while the list is open, on top.
    const third = await conversation("Refund please");
    await assign(cal, third, bea.id);
    await expect.poll(() => items(page).count()).toBe(3);
    await expect.poll(() => bellName(page)).toBe("Notifications: 3 unread");
    expect(await items(page).nth(0).textContent()).toContain(`${cal.name} assigned you a conversation`);

    // Opening the mention: its conversation, at the note (focused), and it is read here and on the server.
    await items(page).nth(1).locator("a").click();
    await expect.poll(() => page.url()).toBe(`${baseUrl}/conversations/${second}`);
    await expect
      .poll(() => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.seq))
      .toBe(String(seq));
    await expect.poll(() => bellName(page)).toBe("Notifications: 2 unread");
    const mentionNotice = (await noticesOf(bea.cookie)).notifications.find((n) => n.conversationId === second);
    expect(mentionNotice?.readAt).not.toBeNull();
    expect(await page.locator("#notices-panel").count()).toBe(0);

    await bell(page).click();
    await expect.poll(() => page.locator("#notices-panel li.notice.unread").count()).toBe(2);
    await page.getByRole("button", { name: "Mark all read" }).click();
    await expect.poll(() => bellName(page)).toBe("Notifications");
    expect(await page.locator("#notices-panel li.notice.unread").count()).toBe(0);
    await expect.poll(async () => (await noticesOf(bea.cookie)).unread).toBe(0);
    expect(errors).toEqual([]);
  });

  it("S39: the list pages (Load more); a reload shows what is stored, newest first", async () => {
    const dan = await newAgent();
    await onlyMentionsAndAssignments(dan.cookie);
    const id = await conversation("Lots of notes here");
    for (let i = 1; i <= 23; i++) await mention(cal, id, dan.id, `note number ${i}`);
    const { page } = await agentPage(browser, dan.email, dan.password);
    await expect.poll(() => bellName(page)).toBe("Notifications: 23 unread");
    await bell(page).click();
    await expect.poll(() => items(page).count()).toBe(20);
    expect(await items(page).nth(0).textContent()).toContain("note number 23");
    await page.locator("#notices-panel").getByRole("button", { name: "Load more" }).click();
    await expect.poll(() => items(page).count()).toBe(23);
    // The keyboard goes on from the first notice loaded (the button went with the last page).
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toContain("note number 3");
    expect(await items(page).nth(22).textContent()).toContain("note number 1");
    expect(await page.locator("#notices-panel").getByRole("button", { name: "Load more" }).count()).toBe(0);
  });

  it("S39: a notice about a message older than the thread's first page opens there (the thread loads back to it)", async () => {
    const kim = await newAgent();
    await onlyMentionsAndAssignments(kim.cookie);
    const helper = await newAgent();
    const id = await conversation("An old question");
    const seq = await mention(cal, id, kim.id, "Kim, the first note");
    // More than a page (100) after it, from two colleagues (each may post 60 at once).
    for (const by of [cal, helper])
      await Promise.all(
        Array.from({ length: 55 }, async (_, i) => {
          const res = await call(`/api/conversations/${id}/messages`, {
            cookie: by.cookie,
            body: { clientId: clientId(), channel: "note", text: `later note ${i}` },
          });
          expect(res.status).toBe(201);
        }),
      );
    const { page } = await agentPage(browser, kim.email, kim.password);
    await bell(page).click();
    await expect.poll(() => items(page).count()).toBe(1);
    await items(page).first().locator("a").click();
    await expect
      .poll(() => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.seq), { timeout: 10_000 })
      .toBe(String(seq));
    expect(await page.evaluate(() => document.activeElement?.textContent)).toContain("Kim, the first note");
  });

  it("S39, S42: the bell's panel and the notification settings fit a 375 px phone (in Spanish) and a desktop, axe-clean", async () => {
    const eli = await newAgent();
    await onlyMentionsAndAssignments(eli.cookie);
    const id = await conversation("A long question about shipping to the Canary Islands and customs duties");
    await mention(
      cal,
      id,
      eli.id,
      "Could you answer this one? It mentions customs duties and a very long address line.",
    );
    // Words that do not fit their control (a nowrap button wider than its box).
    const cut = (page: Page) =>
      page.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>("#notices-panel *, .notification-settings *")]
          .filter((el) => el.clientWidth > 1 && !el.closest(".visually-hidden") && el.scrollWidth > el.clientWidth + 1)
          .map((el) => `${el.tagName} "${el.textContent}" (${el.scrollWidth} in ${el.clientWidth})`),
      );
    for (const [screen, locale] of [
      [SCREENS[0], "es-ES"],
      [SCREENS[3], "en-US"],
    ] as const) {
      const { page, context } = await agentPage(browser, eli.email, eli.password, {
        bypassCSP: true,
        viewport: screen.viewport,
        locale,
      });
      await expect.poll(() => page.locator('[data-testid="notices-count"]').textContent()).toBe("1");
      await bell(page).click();
      await expect.poll(() => items(page).count()).toBe(1);
      await expectScreenSound(page, `${screen.name}, ${locale}, notices`);
      expect(await cut(page)).toEqual([]);
      const box = await page.locator("#notices-panel").boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= screen.viewport.width).toBe(true);
      await page.goto(`${baseUrl}/profile`);
      await expect.poll(() => page.locator(".notification-settings input[name=mentioned]").isChecked()).toBe(true);
      await expectScreenSound(page, `${screen.name}, ${locale}, profile`);
      expect(await cut(page)).toEqual([]);
      await context.close();
    }
  });
});

/**
 * Replaces the browser's Notification with a recorder whose permission is granted (the headless shell
 * never grants it), and counts the tones the app's sound plays. Service workers are blocked in this
 * context, so the app shows its notifications with the page's Notification.
 */
function spies(): void {
  const w = window as unknown as { __shown: { title: string; body: string; tag: string }[]; __tones: number };
  w.__shown = [];
  w.__tones = 0;
  class Recorder extends EventTarget {
    static permission = "granted";
    static requestPermission = async () => "granted";
    onclick: (() => void) | null = null;
    constructor(title: string, options: { body?: string; tag?: string } = {}) {
      super();
      w.__shown.push({ title, body: options.body ?? "", tag: options.tag ?? "" });
    }
    close() {}
  }
  Object.defineProperty(window, "Notification", { value: Recorder, configurable: true, writable: true });
  const create = AudioContext.prototype.createOscillator;
  AudioContext.prototype.createOscillator = function (this: AudioContext) {
    w.__tones++;
    return create.call(this);
  };
}

const shown = (page: Page) =>
  page.evaluate(() => (window as unknown as { __shown: { title: string; body: string }[] }).__shown);
const tones = (page: Page) => page.evaluate(() => (window as unknown as { __tones: number }).__tones);

/** What `document.visibilityState` says, as when the agent switches to another tab and back. */
async function setHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate((h) => {
    Object.defineProperty(document, "visibilityState", { value: h ? "hidden" : "visible", configurable: true });
    Object.defineProperty(document, "hidden", { value: h, configurable: true });
    document.dispatchEvent(new Event("visibilitychange"));
  }, hidden);
}

describe("desktop notifications and sound while the app is open (S39)", () => {
  it("S39: only while the agent is elsewhere (another conversation, another tab), never for the conversation in view, in the agent's language; off in the preferences is off", async () => {
    const fay = await newAgent();
    await onlyMentionsAndAssignments(fay.cookie);
    const { page, errors } = await agentPage(browser, fay.email, fay.password, {
      locale: "es-ES",
      serviceWorkers: "block",
      initScript: spies,
    });
    await connected(fay.cookie, fay.id);
    const inView = await conversation("¿Dónde está mi pedido?");
    const other = await conversation("Quiero cambiar la talla");
    await page.goto(`${baseUrl}/conversations/${inView}`);
    await page.locator("#conversation-title").waitFor();
    await page.locator("#conversation-title").click(); // a gesture: the sound may play from now on

    // Looking at it: the notice is stored and read at once, with no notification and no sound.
    await mention(cal, inView, fay.id, "Mira este pedido");
    await expect
      .poll(async () => (await noticesOf(fay.cookie)).notifications.find((n) => n.conversationId === inView)?.readAt)
      .toBeGreaterThan(0);
    expect(await shown(page)).toEqual([]);
    expect(await tones(page)).toBe(0);

    // Another conversation: a notification in Spanish, and the sound.
    await mention(cal, other, fay.id, "Y este cambio de talla");
    await expect
      .poll(() => shown(page))
      .toEqual([
        { title: `${cal.name} te mencionó`, body: "Y este cambio de talla", tag: expect.stringMatching(/^nt_/) },
      ]);
    expect(await tones(page)).toBe(2);

    // The same conversation while the tab is hidden: the agent is elsewhere.
    await setHidden(page, true);
    await mention(cal, inView, fay.id, "¿Sigues ahí?");
    await expect.poll(async () => (await shown(page)).length).toBe(2);
    expect((await shown(page))[1]).toMatchObject({ title: `${cal.name} te mencionó`, body: "¿Sigues ahí?" });
    expect(await tones(page)).toBe(4);
    await setHidden(page, false);

    // Turned off on the profile page (saved on the server): the bell still counts, nothing pops or sounds.
    // Within the app (a reload would reset the recorders).
    await page.locator("a.profile-link").click();
    const desktop = page.getByRole("checkbox", { name: /Notificaciones de escritorio/ });
    const sound = page.getByRole("checkbox", { name: "Un sonido" });
    await desktop.uncheck();
    await expect.poll(() => page.locator(".notification-settings [role=status]").textContent()).toBe("Guardado");
    await sound.uncheck();
    await expect
      .poll(async () => {
        const res = await call("/api/notifications/preferences", { cookie: fay.cookie });
        const prefs = (await res.json()) as { desktop: boolean; sound: boolean };
        return [prefs.desktop, prefs.sound];
      })
      .toEqual([false, false]);
    const before = await bellName(page);
    await mention(cal, other, fay.id, "Una más");
    await expect.poll(() => bellName(page)).not.toBe(before);
    expect((await shown(page)).length).toBe(2);
    expect(await tones(page)).toBe(4);
    expect(errors).toEqual([]);
  });

  it("S39: with two tabs open, one shows and sounds each notice, not both", async () => {
    const gus = await newAgent();
    await onlyMentionsAndAssignments(gus.cookie);
    const { page, context } = await agentPage(browser, gus.email, gus.password, {
      serviceWorkers: "block",
      initScript: spies,
    });
    const second = await context.newPage();
    await second.goto(baseUrl);
    await bell(second).waitFor();
    for (const p of [page, second]) await p.locator("a.profile-link").click(); // a gesture in each
    await connected(gus.cookie, gus.id);
    const id = await conversation("Two tabs, one ping");
    await mention(cal, id, gus.id, "Just once, please");
    for (const p of [page, second]) await expect.poll(() => bellName(p)).toBe("Notifications: 1 unread");
    const total = async () => (await shown(page)).length + (await shown(second)).length;
    await expect.poll(total).toBe(1);
    expect((await tones(page)) + (await tones(second))).toBe(2);
    // The tab that showed it holds the notice's lock, so the other's claim (made before its bell moved) lost.
    const { notifications } = await noticesOf(gus.cookie);
    const held = await page.evaluate(async () => (await navigator.locks.query()).held?.map((l) => l.name));
    expect(held).toContain(`inbox-notice:${notifications[0]!.id}`);
    expect(await total()).toBe(1);
    await context.close();
  });
});
