import type { WidgetConfig } from "./config";

/**
 * The launcher's CSS. The host element takes nothing from the page: `all: initial` with !important
 * in `:host` wins over any page rule, even an !important one (inside a shadow tree, important
 * declarations beat the outer page's), and sizes are in px so the page's root font size cannot
 * reach in. It is fixed-position, so it shifts nothing on the page.
 */
export function launcherCss(c: WidgetConfig): string {
  const side =
    c.position === "left" ? "left:20px!important;right:auto!important" : "right:20px!important;left:auto!important";
  return `:host{all:initial!important;position:fixed!important;z-index:2147483000!important;bottom:20px!important;top:auto!important;${side};display:block!important;width:56px!important;height:56px!important;margin:0!important;padding:0!important;border:0!important;visibility:visible!important;opacity:1!important;transform:none!important;filter:none!important;clip-path:none!important;overflow:visible!important;pointer-events:auto!important}
*{box-sizing:border-box}
.launcher{all:initial;box-sizing:border-box;display:flex;align-items:center;justify-content:center;position:relative;width:56px;height:56px;border-radius:50%;background:${c.color};color:${c.onColor};cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.28);transition:transform .15s}
.launcher:hover{transform:scale(1.05)}
.launcher:focus-visible{outline:3px solid ${c.color};outline-offset:3px}
.launcher svg{width:28px;height:28px;fill:currentColor}
.badge{position:absolute;top:-4px;${c.position === "left" ? "left" : "right"}:-4px;min-width:22px;height:22px;padding:0 6px;border-radius:11px;background:#c21f2a;color:#fff;font:700 12px/22px system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;text-align:center}
.badge[hidden]{display:none}
@media (prefers-reduced-motion:reduce){.launcher{transition:none}}`;
}

const CHAT_PATH = "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z";
const CLOSE_PATH = "M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4-5.6-5.6L6.4 19 5 17.6l5.6-5.6L5 6.4z";

/** An icon built with DOM calls, not innerHTML, so pages that enforce Trusted Types still show it. */
export function icon(kind: "chat" | "close"): SVGSVGElement {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const path = document.createElementNS(ns, "path");
  path.setAttribute("d", kind === "chat" ? CHAT_PATH : CLOSE_PATH);
  svg.append(path);
  return svg;
}
