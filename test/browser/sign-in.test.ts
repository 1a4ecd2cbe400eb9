import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseUrl, clientIp, demo } from "../e2e/live";
import { launchChromium } from "./chromium";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe("signing in, in a real browser", () => {
  it("S9: the demo admin signs in through the page; the session survives a reload and ends on sign-out", async () => {
    const context = await browser.newContext({ extraHTTPHeaders: { "cf-connecting-ip": clientIp } });
    const page = await context.newPage();
    const violations: string[] = [];
    page.on("console", (msg) => {
      if (/Content Security Policy/i.test(msg.text())) violations.push(msg.text());
    });

    await page.goto(baseUrl);
    await page.getByLabel("Email").fill(demo("admin").email);
    await page.getByLabel("Password").fill(demo("admin").password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.locator("nav.menu").count()).toBe(1);

    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ name: "__Host-session", httpOnly: true, secure: true, sameSite: "Lax" });
    // HttpOnly: the page's own scripts cannot read the session.
    expect(await page.evaluate(() => document.cookie)).toBe("");

    await page.reload();
    await expect.poll(() => page.locator("nav.menu").count()).toBe(1);

    await page.getByRole("button", { name: "Sign out" }).click();
    await expect.poll(() => page.getByRole("button", { name: "Sign in" }).count()).toBe(1);
    await page.reload();
    await expect.poll(() => page.getByRole("button", { name: "Sign in" }).count()).toBe(1);
    expect(violations).toEqual([]);
    await context.close();
  });

  it("S9: a wrong password shows the reason and signs no one in", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(baseUrl);
    await page.getByLabel("Email").fill(demo("agent").email);
    await page.getByLabel("Password").fill("definitely-wrong");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toBe("Wrong email or password");
    expect(await context.cookies()).toEqual([]);
    await context.close();
  });
});
