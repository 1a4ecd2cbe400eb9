#!/usr/bin/env node
// The README's screenshots, of the demo data `npm start` creates (never of test fixtures):
//   PORT=8790 PERSIST_TO=$(mktemp -d) npm start      # a fresh demo; wait for "Ready on …"
//   node docs/screenshots.mjs http://localhost:8790  # writes docs/inbox*.png
// Signs in as the demo admin; $CHROME_PATH picks the browser (else the bundled @sparticuz/chromium).
import chromium from "@sparticuz/chromium";
import { chromium as playwright } from "playwright-core";

const base = process.argv[2] ?? "http://localhost:8787";
const browser = await playwright.launch({
  executablePath: process.env.CHROME_PATH || (await chromium.executablePath()),
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
});

async function signedIn(options) {
  const context = await browser.newContext({ locale: "en-US", ...options });
  const page = await context.newPage();
  await page.goto(base);
  await page.locator("#email").fill("admin@example.com");
  await page.locator("#password").fill("demo-admin-password");
  await page.locator("form button[type=submit]").click();
  await page.locator("a.row").first().waitFor();
  return { context, page };
}

/** Opens the demo chat that has a reply in it. */
async function openDemoChat(page) {
  await page.locator("a.row", { hasText: "Perfecto, gracias." }).click();
  await page.locator(".thread .message").nth(2).waitFor();
  await page.mouse.move(0, 0);
  await page.waitForTimeout(300);
}

const shots = [
  { file: "docs/inbox.png", options: { viewport: { width: 1280, height: 760 } } },
  {
    file: "docs/inbox-phone.png",
    options: { viewport: { width: 375, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
  },
  { file: "docs/inbox-dark.png", options: { viewport: { width: 1280, height: 760 }, colorScheme: "dark" } },
];
for (const shot of shots) {
  const { context, page } = await signedIn(shot.options);
  await openDemoChat(page);
  await page.screenshot({ path: shot.file });
  await context.close();
  console.log(`wrote ${shot.file}`);
}
await browser.close();
