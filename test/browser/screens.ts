import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Locator, Page } from "playwright-core";
import { expect } from "vitest";

/** The four screens S42 names: a phone, 200 % zoom on a 1280 × 800 laptop, half a laptop, a desktop. */
export const SCREENS = [
  {
    name: "phone 375 × 740",
    viewport: { width: 375, height: 740 },
    deviceScaleFactor: 3,
    isMobile: true,
    hasTouch: true,
  },
  {
    name: "200 % zoom (640 × 400 CSS px at scale 2)",
    viewport: { width: 640, height: 400 },
    deviceScaleFactor: 2,
    isMobile: false,
    hasTouch: false,
  },
  {
    name: "split laptop 683 × 768",
    viewport: { width: 683, height: 768 },
    deviceScaleFactor: 1,
    isMobile: false,
    hasTouch: false,
  },
  {
    name: "desktop 1280 × 800",
    viewport: { width: 1280, height: 800 },
    deviceScaleFactor: 1,
    isMobile: false,
    hasTouch: false,
  },
] as const;

export type Screen = (typeof SCREENS)[number];

/**
 * The control is on screen and nothing covers it: the element at its centre (`elementFromPoint`) is
 * the control itself or inside it. No scrolling first: it must be there as the page is.
 */
export async function expectReachable(control: Locator, what: string): Promise<void> {
  await control.waitFor();
  const hit = await control.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const x = r.left + r.width / 2;
    const y = r.top + r.height / 2;
    const onScreen = r.width > 0 && r.height > 0 && x >= 0 && y >= 0 && x <= innerWidth && y <= innerHeight;
    // Inside a shadow root (the widget), elementFromPoint of the document returns the host.
    const root = el.getRootNode() as Document | ShadowRoot;
    const top = onScreen ? root.elementFromPoint(x, y) : null;
    const covered = !top || !(top === el || el.contains(top));
    return { onScreen, covered, at: [Math.round(x), Math.round(y)], top: top ? top.outerHTML.slice(0, 160) : null };
  });
  expect(hit.onScreen, `${what} is on screen (centre at ${hit.at})`).toBe(true);
  expect(hit.covered, `${what} is not covered; the element at its centre is ${hit.top}`).toBe(false);
}

/**
 * Nothing scrolls sideways: not the page, not any scrolling box, and nothing sticks out past the right
 * (or left) edge unless a box that ends on screen clips it. Returns what does, to show in a failure.
 */
export async function sidewaysScrolling(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const name = (el: Element) =>
      `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}${typeof el.className === "string" && el.className ? `.${el.className.trim().split(/\s+/).join(".")}` : ""}`;
    // The parent, or the host of a shadow root (the widget's), up to the body.
    const up = (el: Element): Element | null =>
      el.parentElement ?? ((el.parentNode as ShadowRoot | null)?.host || null);
    const clipped = (el: Element) => {
      for (let p = up(el); p && p !== document.body; p = up(p)) {
        const s = getComputedStyle(p);
        if (s.overflowX !== "visible" || s.clipPath !== "none" || s.clip !== "auto") return true;
      }
      return false;
    };
    const all = (root: ParentNode): Element[] =>
      [...root.querySelectorAll("*")].flatMap((el) => [el, ...(el.shadowRoot ? all(el.shadowRoot) : [])]);
    const problems: string[] = [];
    if (document.documentElement.scrollWidth > width)
      problems.push(`the page is ${document.documentElement.scrollWidth} px wide in ${width}`);
    for (const el of all(document.body)) {
      const style = getComputedStyle(el);
      if ((style.overflowX === "auto" || style.overflowX === "scroll") && el.scrollWidth > el.clientWidth + 1) {
        problems.push(`${name(el)} scrolls sideways (${el.scrollWidth} in ${el.clientWidth})`);
      }
      const r = el.getBoundingClientRect();
      if (r.width > 0 && (r.right > width + 1 || r.left < -1) && !clipped(el))
        problems.push(`${name(el)} reaches ${Math.round(r.left)}…${Math.round(r.right)} of ${width}`);
    }
    return problems;
  });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** axe-core's serious and critical findings on the page as it is (the context must bypass the page's CSP). */
export async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(axeSource);
  const result = (await page.evaluate(() => (window as unknown as { axe: { run(): Promise<unknown> } }).axe.run())) as {
    violations: { id: string; impact: string; nodes: { target: unknown }[] }[];
  };
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${JSON.stringify(v.nodes.map((n) => n.target))}`);
}

/** A screen passes: nothing sideways, axe clean. */
export async function expectScreenSound(page: Page, what: string): Promise<void> {
  expect(await sidewaysScrolling(page), `${what}: nothing scrolls sideways`).toEqual([]);
  expect(await seriousViolations(page), `${what}: axe`).toEqual([]);
}
