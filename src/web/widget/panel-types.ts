import type { Chat } from "./chat";
import type { WidgetConfig } from "./config";

/** What the loader hands the panel chunk: the shadow root both live in, and the one shared Chat. */
export interface PanelContext {
  root: ShadowRoot;
  chat: Chat;
  config: WidgetConfig;
  launcher: HTMLButtonElement;
  /** Asks the loader to close (it keeps the open/closed state and the launcher in step). */
  requestClose(): void;
}

export interface PanelHandle {
  show(): void;
  hide(): void;
}

export interface PanelModule {
  mountPanel(ctx: PanelContext): PanelHandle;
}

/** Adds CSS to a shadow root: a constructed sheet where supported (page CSPs do not apply to it), else a <style>. */
export function adoptCss(root: ShadowRoot, css: string): void {
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  } catch {
    const style = document.createElement("style");
    style.textContent = css;
    root.prepend(style);
  }
}
