import chromium from "@sparticuz/chromium";
import { type Browser, chromium as playwright } from "playwright-core";

/**
 * A real Chromium: the one shipped inside the @sparticuz/chromium npm package (so `npm install` is
 * enough), or the one at $CHROME_PATH. We pass our own flags, never the package's exported `args`:
 * those include --disable-web-security, which switches CORS off and would make cross-origin tests
 * prove nothing.
 */
export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env.CHROME_PATH || (await chromium.executablePath());
  return playwright.launch({
    executablePath,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--disable-sync",
      "--disable-quic",
    ],
  });
}
