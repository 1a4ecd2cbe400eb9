import chromium from "@sparticuz/chromium";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { type Browser, chromium as playwright } from "playwright-core";
import { describe, it } from "vitest";

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

/**
 * Why no full browser is configured, or undefined when $CHROME_PATH names one. The bundled
 * @sparticuz/chromium is a headless shell: `Notification.permission` stays "denied" even after
 * `context.grantPermissions(["notifications"])`, so it cannot show notifications or handle push in a
 * service worker. A full Chromium (Debian's `chromium`, /usr/bin/chromium) can.
 */
export function fullBrowserMissing(): string | undefined {
  const path = process.env.CHROME_PATH;
  if (!path) return "CHROME_PATH is not set and the bundled @sparticuz/chromium is a headless shell";
  if (!existsSync(path)) return `CHROME_PATH=${path} does not exist`;
  // Playwright's chrome-headless-shell, or where @sparticuz/chromium unpacks its own.
  if (/headless[-_]shell/i.test(basename(path)) || resolve(path) === join(tmpdir(), "chromium")) {
    return `CHROME_PATH=${path} is a headless shell`;
  }
  return undefined;
}

export function hasFullBrowser(): boolean {
  return fullBrowserMissing() === undefined;
}

/**
 * `describe` for tests that need a full browser (notifications, push). Without one they are skipped
 * with a line on stderr saying why; in CI (CI=true) a missing full browser fails instead, so they
 * cannot silently stop running there.
 */
export function describeFullBrowser(name: string, fn: () => void): void {
  const missing = fullBrowserMissing();
  if (missing && process.env.CI === "true") {
    describe(name, () => {
      it("has a full browser to run in", () => {
        throw new Error(`${missing}; CI must set CHROME_PATH to a full Chromium (.ci/run installs Debian's)`);
      });
    });
    return;
  }
  if (missing) {
    process.stderr.write(`Skipped "${name}": needs a full Chromium (${missing}); e.g. CHROME_PATH=/usr/bin/chromium\n`);
  }
  describe.skipIf(missing !== undefined)(name, fn);
}
