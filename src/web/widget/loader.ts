/**
 * The widget's loader: the only file a page loads up front (S13). It draws the launcher in a shadow
 * root, answers the host page's JS API, and loads the panel chunk only when the visitor shows intent
 * (hover, focus, touch or click). On a device that already has a conversation it connects once the
 * page is idle, so the visitor shows online (S3) and replies arrive as an unread badge (S17).
 */
import { Chat, type Identity } from "./chat";
import { LAUNCHER_TEXT, readConfig } from "./config";
import { icon, launcherCss } from "./loader-style";
import { adoptCss, type PanelHandle, type PanelModule } from "./panel-types";

declare const __PANEL_PATH__: string;

type Command = [name: string, ...args: unknown[]];
type WidgetWindow = Window & { ChatWidget?: unknown };

function start(): void {
  const w = window as WidgetWindow;
  if (w.ChatWidget && !Array.isArray(w.ChatWidget)) return; // the script was included twice
  const queued = (Array.isArray(w.ChatWidget) ? w.ChatWidget : []) as Command[];
  // currentScript is null if a tag manager runs us in an odd way: then find our tag by its URL.
  const script = (document.currentScript ??
    document.querySelector('script[src$="/widget.js"]')) as HTMLScriptElement | null;
  const config = readConfig(script);
  const text = LAUNCHER_TEXT[config.lang];
  const chat = new Chat(config.api, `chat-widget:${config.api}`);

  const host = document.createElement("chat-widget");
  const root = host.attachShadow({ mode: "open" });
  adoptCss(root, launcherCss(config));
  const launcher = document.createElement("button");
  launcher.type = "button";
  launcher.className = "launcher";
  launcher.setAttribute("aria-haspopup", "dialog");
  const badge = document.createElement("span");
  badge.className = "badge";
  badge.setAttribute("aria-hidden", "true");
  root.append(launcher);

  let isOpen = false;
  let panelModule: Promise<PanelModule> | null = null;
  let panel: Promise<PanelHandle> | null = null;

  const preload = (): Promise<PanelModule> =>
    (panelModule ??= (import(new URL(__PANEL_PATH__, config.api).href) as Promise<PanelModule>).catch((err) => {
      panelModule = null; // offline or blocked: let the next click try again
      throw err;
    }));

  function render(): void {
    const unread = chat.unread;
    launcher.replaceChildren(icon(isOpen ? "close" : "chat"));
    launcher.setAttribute("aria-expanded", String(isOpen));
    launcher.setAttribute(
      "aria-label",
      isOpen ? text.close : unread ? `${text.open}, ${text.unread(unread)}` : text.open,
    );
    badge.textContent = String(unread);
    badge.hidden = isOpen || unread === 0;
    launcher.append(badge);
  }

  function open(): void {
    if (isOpen) return;
    isOpen = true;
    chat.panelOpen = true;
    render();
    panel ??= preload().then((m) => m.mountPanel({ root, chat, config, launcher, requestClose: close }));
    panel.then((p) => isOpen && p.show()).catch(() => close());
  }

  function close(): void {
    if (!isOpen) return;
    isOpen = false;
    chat.panelOpen = false;
    render();
    void panel?.then((p) => p.hide()).catch(() => {});
  }

  const api = {
    open,
    close,
    toggle: () => (isOpen ? close() : open()),
    get isOpen() {
      return isOpen;
    },
    /** The host site's signed-in user (see README): resolves once accepted, rejects if refused. */
    identify: (identity: Identity) => chat.identify(identity),
    /** The user signed out on the host site: back to this device's own conversation. */
    logout: () => chat.identify(null),
    /** Queue-style calls, the same before and after the script loaded: `ChatWidget.push(["open"])`. */
    push(command: Command) {
      const [name, ...args] = command;
      const fn = (api as unknown as Record<string, (...a: unknown[]) => unknown>)[name];
      if (typeof fn === "function" && name !== "push") {
        Promise.resolve(fn(...args)).catch((err: unknown) => console.warn("ChatWidget", name, err));
      }
    },
  };

  for (const event of ["pointerenter", "focus", "touchstart"])
    launcher.addEventListener(event, () => void preload().catch(() => {}), { passive: true });
  launcher.addEventListener("click", api.toggle);
  chat.on(render);
  render();

  const attach = () => (document.body ?? document.documentElement).append(host);
  if (document.body) attach();
  else document.addEventListener("DOMContentLoaded", attach, { once: true });

  const whenIdle = (fn: () => void) =>
    "requestIdleCallback" in window ? requestIdleCallback(fn, { timeout: 4000 }) : setTimeout(fn, 1500);
  const connectIfKnown = () => whenIdle(() => chat.hasConversation && chat.connect());
  if (document.readyState === "complete") connectIfKnown();
  else addEventListener("load", connectIfKnown, { once: true });

  w.ChatWidget = api;
  for (const command of queued) api.push(command);
  dispatchEvent(new CustomEvent("chatwidget:ready"));
}

start();
