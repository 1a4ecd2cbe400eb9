import type { Server } from "node:http";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AgentNotification } from "../../src/protocol";
import { baseUrl, call, feedSocket, newAgent } from "../e2e/live";
import { startPushStub } from "../support/push-stub";
import { describeFullBrowser, launchChromium } from "./chromium";
import { agentPage } from "./inbox-pages";
import { assign, bell, bellName, conversation, mention, noticesOf, onlyMentionsAndAssignments } from "./notices";

type Agent = Awaited<ReturnType<typeof newAgent>>;
interface Pushed {
  payload: { title: string; body: string; url: string; id: string; kind: string; actor: string; preview: string };
  claims: { aud: string; sub: string; exp: number };
}

let stub: { url: string; server: Server };
let cal: Agent;

beforeAll(async () => {
  stub = await startPushStub();
  cal = await newAgent();
});
afterAll(() => {
  stub?.server.close();
});

/**
 * Subscribes at the stub with the key the server gives browsers, and hands the subscription to the
 * server as the app does after `pushManager.subscribe` (a real browser's push service is beyond this machine).
 */
async function subscribe(cookie: string): Promise<{ endpoint: string; received: () => Promise<Pushed[]> }> {
  const key = (await (await call("/api/notifications/push/key", { cookie })).json()) as { publicKey: string | null };
  expect(key.publicKey, "npm start gives the server a VAPID key").toMatch(/^[A-Za-z0-9_-]{86,88}$/);
  const sub = (await (
    await fetch(`${stub.url}/__subscribe`, {
      method: "POST",
      body: JSON.stringify({ applicationServerKey: key.publicKey }),
    })
  ).json()) as { endpoint: string; keys: { p256dh: string; auth: string } };
  const res = await call("/api/notifications/push/subscriptions", { cookie, body: sub });
  expect(res.status).toBe(204);
  return {
    endpoint: sub.endpoint,
    received: async () => (await fetch(sub.endpoint.replace("/push/", "/__received/"))).json() as Promise<Pushed[]>,
  };
}

async function statusOf(agentId: string): Promise<string | undefined> {
  const res = await call("/api/agents", { cookie: cal.cookie });
  const { agents } = (await res.json()) as { agents: { id: string; status: string }[] };
  return agents.find((a) => a.id === agentId)?.status;
}

describe("Web Push from npm start's server (S39)", () => {
  it("S39: an agent with no app open gets a push: the push-service stub verifies the VAPID JWT and decrypts exactly the stored notice; with an app open, none", async () => {
    const gil = await newAgent();
    await onlyMentionsAndAssignments(gil.cookie);
    const device = await subscribe(gil.cookie);
    const id = await conversation("Is my order shipped?");
    const seq = await mention(cal, id, gil.id, "Gil, can you take this one?");
    await expect.poll(async () => (await device.received()).length).toBe(1);
    const [pushed] = await device.received();
    const stored = (await noticesOf(gil.cookie)).notifications.find((n) => n.conversationId === id)!;
    expect(pushed!.payload).toEqual({
      title: "You were mentioned",
      body: `${cal.name}: Gil, can you take this one?`,
      url: `/conversations/${id}?seq=${seq}`,
      id: stored.id,
      kind: "mentioned",
      actor: cal.name,
      preview: "Gil, can you take this one?",
    });
    expect(pushed!.claims).toMatchObject({ aud: new URL(stub.url).origin, sub: "mailto:support@example.com" });

    // An app open (its feed socket): the notice goes there, not to the push service.
    const feed = await feedSocket(gil.cookie);
    await expect.poll(() => statusOf(gil.id)).toBe("online");
    const notices = () => feed.frames.filter((f) => f.type === "notification").length;
    await mention(cal, id, gil.id, "Another one while you are here");
    await feed.waitFor(() => notices() === 1, "the mention on the feed", 5000);
    // The assignment's answer comes after its notice was told and pushed, or not: nothing later can arrive.
    await assign(cal, id, gil.id);
    await feed.waitFor(() => notices() === 2, "the assignment on the feed", 5000);
    expect((await device.received()).length).toBe(1);
    feed.close();
  });
});

/**
 * The browser's side of a subscription, for a browser with no push service to reach: `pushManager`
 * answers with the subscription the stub made (kept in localStorage, as the browser keeps its own), and
 * the permission reads granted (the headless shell never grants it). The app's calls and the server are real.
 */
function fakePushService(sub: { endpoint: string; keys: { p256dh: string; auth: string } }): void {
  const w = window as unknown as { __subscribedWith?: string };
  const current = () =>
    localStorage.getItem("fake-push") === "on"
      ? {
          endpoint: sub.endpoint,
          toJSON: () => sub,
          unsubscribe: async () => {
            localStorage.removeItem("fake-push");
            return true;
          },
        }
      : null;
  PushManager.prototype.subscribe = async (options?: PushSubscriptionOptionsInit) => {
    const key = new Uint8Array(options?.applicationServerKey as ArrayBuffer);
    w.__subscribedWith = btoa(String.fromCharCode(...key))
      .replace(/\+/g, "-")
      .replace(/\//g, "_")
      .replace(/=+$/, "");
    localStorage.setItem("fake-push", "on");
    return current() as unknown as PushSubscription;
  };
  PushManager.prototype.getSubscription = async () => current() as unknown as PushSubscription | null;
  Object.defineProperty(Notification, "permission", { configurable: true, get: () => "granted" });
  Notification.requestPermission = async () => "granted";
}

describe("push on this device, from the profile page (S39)", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("S39: Turn on push gives the server this device's subscription made with its VAPID key (pushes reach it with no app open); Turn off and signing out take it back", async () => {
    const jo = await newAgent();
    await onlyMentionsAndAssignments(jo.cookie);
    const key = (await (await call("/api/notifications/push/key", { cookie: jo.cookie })).json()) as {
      publicKey: string;
    };
    const sub = (await (
      await fetch(`${stub.url}/__subscribe`, {
        method: "POST",
        body: JSON.stringify({ applicationServerKey: key.publicKey }),
      })
    ).json()) as { endpoint: string; keys: { p256dh: string; auth: string } };
    const received = async () =>
      ((await (await fetch(sub.endpoint.replace("/push/", "/__received/"))).json()) as Pushed[]).length;
    const { page, context } = await agentPage(browser, jo.email, jo.password);
    await context.addInitScript(fakePushService, sub);
    await page.evaluate(fakePushService, sub);
    const id = await conversation("Push me");
    const offline = async () => {
      await page.goto(`${baseUrl}/favicon.svg`);
      await expect.poll(() => statusOf(jo.id)).toBe("offline");
    };
    const profile = async () => {
      await page.goto(`${baseUrl}/profile`);
      await page.locator(".notification-settings input[name=push]").waitFor();
    };

    await page.locator("a.profile-link").click();
    await page.getByRole("button", { name: "Turn on push on this device" }).click();
    await page.getByText("Push is on for this device.").waitFor();
    expect(await page.evaluate(() => (window as unknown as { __subscribedWith?: string }).__subscribedWith)).toBe(
      key.publicKey,
    );
    await offline();
    // An assignment's answer comes once its notice was stored and pushed (or not).
    await assign(cal, id, jo.id);
    expect(await received()).toBe(1);

    await profile();
    await page.getByRole("button", { name: "Turn off push on this device" }).click();
    await page.getByRole("button", { name: "Turn on push on this device" }).waitFor();
    await offline();
    await assign(cal, id, cal.id);
    await assign(cal, id, jo.id);
    expect(await received()).toBe(1);

    await profile();
    await page.getByRole("button", { name: "Turn on push on this device" }).click();
    await page.getByText("Push is on for this device.").waitFor();
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.locator("#email").waitFor();
    await expect.poll(() => statusOf(jo.id)).toBe("offline");
    await assign(cal, id, cal.id);
    await assign(cal, id, jo.id);
    expect(await received()).toBe(1);
    // Each assignment made its notice (so each was pushed, or not, before its answer came).
    expect((await noticesOf(jo.cookie)).notifications.filter((n) => n.kind === "assigned").length).toBe(3);
    await context.close();
  });
});

/** The notifications a page's service worker shows now. */
function workerNotifications(page: Page) {
  return page.evaluate(async () => {
    const registration = await navigator.serviceWorker.getRegistration("/");
    const shown = (await registration?.getNotifications()) ?? [];
    return shown.map((n) => ({ title: n.title, body: n.body, tag: n.tag, data: n.data as unknown }));
  });
}

describeFullBrowser("desktop notifications and push in a full Chromium (S39)", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("S39: the agent in another conversation sees a real desktop notification and the count on the favicon", async () => {
    const ivy = await newAgent();
    await onlyMentionsAndAssignments(ivy.cookie);
    const { page, context } = await agentPage(browser, ivy.email, ivy.password);
    await context.grantPermissions(["notifications"], { origin: baseUrl });
    expect(await page.evaluate(() => navigator.serviceWorker.ready.then((r) => r.active?.scriptURL))).toBe(
      `${baseUrl}/sw.js`,
    );
    await expect.poll(() => statusOf(ivy.id)).toBe("online");
    const icon = () => page.locator("link[rel=icon]").getAttribute("href");
    const before = await icon();
    expect(before).toMatch(/^(\/favicon\.svg|data:image\/svg\+xml,)/);

    const id = await conversation("The zip is broken");
    await assign(cal, id, ivy.id);
    await expect
      .poll(() => workerNotifications(page))
      .toEqual([
        {
          title: `${cal.name} assigned you a conversation`,
          body: "The zip is broken",
          tag: expect.stringMatching(/^nt_/),
          data: { url: expect.stringMatching(new RegExp(`^/conversations/${id}\\?seq=\\d+&n=nt_`)) },
        },
      ]);

    // The favicon: a PNG drawn with a red badge (the count) on the app's blue mark.
    await expect.poll(icon).toMatch(/^data:image\/png;base64,/);
    const pixels = (href: string) =>
      page.evaluate(async (src) => {
        const img = new Image();
        img.src = src;
        await img.decode();
        const canvas = Object.assign(document.createElement("canvas"), { width: 64, height: 64 });
        const g = canvas.getContext("2d")!;
        g.drawImage(img, 0, 0, 64, 64);
        const at = (x: number, y: number) => [...g.getImageData(x, y, 1, 1).data.slice(0, 3)];
        return { badgeEdge: at(50, 5), corner: at(8, 32), digits: [...g.getImageData(36, 6, 18, 26).data].join() };
      }, href);
    const one = await pixels((await icon())!);
    expect(one.corner).toEqual([0x24, 0x56, 0xd3]);
    expect(one.badgeEdge[0]).toBeGreaterThan(200);
    expect(one.badgeEdge[1]).toBeLessThan(80);

    const other = await conversation("And the lid too");
    await assign(cal, other, ivy.id);
    await expect.poll(() => bellName(page)).toBe("Notifications: 2 unread");
    const two = await pixels((await icon())!);
    expect(two.digits, "the badge says 2 now, not 1").not.toBe(one.digits);

    await bell(page).click();
    await page.getByRole("button", { name: "Mark all read" }).click();
    await expect.poll(icon).not.toMatch(/^data:image\/png/);
    await context.close();
  });

  it("S39: a click on the notification brings the open inbox to the conversation, at its message, and reads it", async () => {
    const lou = await newAgent();
    await onlyMentionsAndAssignments(lou.cookie);
    const { page, context } = await agentPage(browser, lou.email, lou.password);
    await context.grantPermissions(["notifications"], { origin: baseUrl });
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await expect.poll(() => statusOf(lou.id)).toBe("online");
    const id = await conversation("Click me open");
    const seq = await mention(cal, id, lou.id, "Lou, over here");
    await expect.poll(async () => (await workerNotifications(page)).length).toBe(1);

    // No DevTools command clicks a notification: the worker gets the event the browser would dispatch.
    const worker = context.serviceWorkers().find((w) => w.url() === `${baseUrl}/sw.js`)!;
    await worker.evaluate(async () => {
      const scope = self as unknown as { registration: ServiceWorkerRegistration };
      const [notification] = await scope.registration.getNotifications();
      const Click = (self as unknown as { NotificationEvent: new (type: string, init: object) => Event })
        .NotificationEvent;
      self.dispatchEvent(new Click("notificationclick", { notification }));
    });
    await expect.poll(() => page.url()).toBe(`${baseUrl}/conversations/${id}`);
    await expect
      .poll(() => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.seq))
      .toBe(String(seq));
    await expect.poll(() => workerNotifications(page)).toEqual([]);
    await expect.poll(async () => (await noticesOf(lou.cookie)).unread).toBe(0);
    await context.close();
  });

  it("S39: a push the server sent (decrypted by the push-service stub) delivered to the service worker shows in the agent's language, and its link opens the conversation at the message", async () => {
    const hana = await newAgent();
    await onlyMentionsAndAssignments(hana.cookie);
    const { page, context } = await agentPage(browser, hana.email, hana.password, { locale: "es-ES" });
    await context.grantPermissions(["notifications"], { origin: baseUrl });
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    const device = await subscribe(hana.cookie);
    // The app closed (a page of the same site without it): no feed socket, so the server pushes.
    await page.goto(`${baseUrl}/favicon.svg`);
    await expect.poll(() => statusOf(hana.id)).toBe("offline");

    const id = await conversation("Necesito una factura");
    const seq = await mention(cal, id, hana.id, "Hana, ¿la haces tú?");
    await expect.poll(async () => (await device.received()).length).toBe(1);
    const [pushed] = await device.received();

    // What the push service delivers to the browser: the decrypted payload, to the service worker's push event.
    const cdp = await context.newCDPSession(page);
    const registrations: { registrationId: string; scopeURL: string; isDeleted: boolean }[] = [];
    cdp.on("ServiceWorker.workerRegistrationUpdated", (e) => registrations.push(...e.registrations));
    await cdp.send("ServiceWorker.enable");
    await expect.poll(() => registrations.some((r) => r.scopeURL === `${baseUrl}/` && !r.isDeleted)).toBe(true);
    const registrationId = registrations.find((r) => r.scopeURL === `${baseUrl}/`)!.registrationId;
    await cdp.send("ServiceWorker.deliverPushMessage", {
      origin: `${baseUrl}/`,
      registrationId,
      data: JSON.stringify(pushed!.payload),
    });
    const url = `/conversations/${id}?seq=${seq}&n=${pushed!.payload.id}`;
    await expect
      .poll(() => workerNotifications(page))
      .toEqual([
        { title: `${cal.name} te mencionó`, body: "Hana, ¿la haces tú?", tag: pushed!.payload.id, data: { url } },
      ]);

    // Its click opens a new window at that URL when none is open: the app opens at the note, and reads it.
    await page.goto(`${baseUrl}${url}`);
    await expect
      .poll(() => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.seq))
      .toBe(String(seq));
    expect(new URL(page.url()).search).toBe("");
    await expect
      .poll(
        async () =>
          (await noticesOf(hana.cookie)).notifications.find((n: AgentNotification) => n.conversationId === id)?.readAt,
      )
      .toBeGreaterThan(0);
    await context.close();
  });
});
