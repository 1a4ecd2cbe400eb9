import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./chromium";
import { expectReachable, expectScreenSound, SCREENS } from "./screens";
import { eventually, HostSite } from "./widget-host";

let browser: Browser;
let site: HostSite;

beforeAll(async () => {
  [browser, site] = await Promise.all([launchChromium(), new HostSite().start()]);
});
afterAll(async () => {
  await browser?.close();
  await site?.stop();
});

const WORDS = {
  "en-US": {
    open: "Open chat",
    close: "Close chat",
    dialog: "Chat with us",
    message: "Message",
    send: "Send",
    sent: "Sent",
    email: "Email",
    save: "Save",
    notNow: "Not now",
  },
  "es-ES": {
    open: "Abrir chat",
    close: "Cerrar chat",
    dialog: "Chatea con nosotros",
    message: "Mensaje",
    send: "Enviar",
    sent: "Enviado",
    email: "Email",
    save: "Guardar",
    notNow: "Ahora no",
  },
} as const;

describe("S42: the chat widget on every screen, in English and Spanish", () => {
  for (const screen of SCREENS) {
    for (const locale of ["en-US", "es-ES"] as const) {
      it(`S42 S30: ${screen.name}, ${locale}: open, write, the email prompt beside a usable log, close`, {
        timeout: 60_000,
      }, async () => {
        const w = WORDS[locale];
        const context = await browser.newContext({
          locale,
          viewport: screen.viewport,
          deviceScaleFactor: screen.deviceScaleFactor,
          isMobile: screen.isMobile,
          hasTouch: screen.hasTouch,
        });
        const page = await context.newPage();
        await page.goto(site.url(site.page()));
        const launcher = page.getByRole("button", { name: w.open });
        await expectReachable(launcher, "the launcher");
        await launcher.click();
        const dialog = page.getByRole("dialog", { name: w.dialog });
        await dialog.waitFor();

        const message = page.getByRole("textbox", { name: w.message });
        await expectReachable(message, "the message box");
        await message.fill("Do you ship to the islands?");
        const send = dialog.getByRole("button", { name: w.send });
        await expectReachable(send, "Send");
        await send.click();
        await eventually(() => page.getByRole("log").locator(".mine .meta").textContent()).toBe(w.sent);

        // S16's email prompt appears after the first message: it must leave the log room to read.
        const email = page.getByRole("textbox", { name: w.email });
        await email.waitFor();
        const box = async (selector: string) => (await page.locator(`chat-widget >> ${selector}`).boundingBox())!;
        const [log, form, panel] = [await box(".log"), await box("form.email"), await box(".panel")];
        expect(panel.y, "the panel starts on screen").toBeGreaterThanOrEqual(0);
        expect(panel.y + panel.height, "the panel ends on screen").toBeLessThanOrEqual(screen.viewport.height);
        expect(log.height, "the message log keeps room beside the email prompt").toBeGreaterThanOrEqual(
          Math.min(150, form.height),
        );
        for (const [control, what] of [
          [email, "the email box"],
          [dialog.getByRole("button", { name: w.save }), "Save"],
          [dialog.getByRole("button", { name: w.notNow }), "Not now"],
          [message, "the message box, with the prompt open"],
          [send, "Send, with the prompt open"],
          [dialog.getByRole("button", { name: w.close }), "the panel's close button"],
        ] as const) {
          await expectReachable(control, what);
        }
        await expectScreenSound(page, "the open panel with the email prompt");

        await dialog.getByRole("button", { name: w.notNow }).click();
        await eventually(() => email.count()).toBe(0);
        await dialog.getByRole("button", { name: w.close }).click();
        await eventually(() => dialog.count()).toBe(0);
        await expectReachable(page.getByRole("button", { name: w.open }), "the launcher, once closed");
        await context.close();
      });
    }
  }
});
