/**
 * The chat panel: loaded by the loader when the visitor shows intent, mounted into the launcher's
 * shadow root. A dialog with a focus trap (Tab stays inside, Escape closes, focus returns to the
 * launcher), the conversation as a live log, the composer, and the email form (S16).
 */
import * as z from "zod/mini";
import { MAX_TEXT_CHARS } from "../../protocol";
import { messageTextSchema } from "../../protocol/schemas";
import { giveEmail, hasSentSomething, loadHistory, retry, sendMessage, sortedEntries } from "./actions";
import type { Entry } from "./chat";
import { STRINGS } from "./i18n";
import { icon } from "./loader-style";
import { panelCss } from "./panel-style";
import { adoptCss, type PanelContext, type PanelHandle } from "./panel-types";

const emailSchema = z.email();
const TYPING_IDLE_MS = 3_000;
/** While the visitor keeps typing, "typing" is said again this often: the inbox fades a line not refreshed for ~6 s. */
const TYPING_REFRESH_MS = 2_500;

type Attrs = Record<string, string | boolean | ((e: Event) => void)>;

/** A tiny element builder: attributes, `on*` listeners, children. */
function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (typeof value === "function") el.addEventListener(name.slice(2), value);
    else if (value === true) el.setAttribute(name, "");
    else if (value !== false) el.setAttribute(name, value);
  }
  el.append(...children);
  return el;
}

export function mountPanel({ root, chat, config, launcher, requestClose }: PanelContext): PanelHandle {
  const t = STRINGS[config.lang];
  adoptCss(root, panelCss(config));

  const status = h("p", { class: "status", role: "status" });
  const list = h("div", { class: "entries" });
  const log = h(
    "div",
    { class: "log", role: "log", "aria-label": t.messages, tabindex: "0" },
    h("div", { class: "m theirs" }, h("p", {}, config.greeting ?? t.greeting)),
    list,
  );
  const typing = h("p", { class: "typing", "aria-live": "polite" });

  // ---- email form (S16): after the visitor's first message; "Not now" hides it until the next page ----
  let emailSkipped = false;
  const emailInput = h("input", {
    id: "cw-email",
    type: "email",
    name: "email",
    autocomplete: "email",
    "aria-describedby": "cw-email-why cw-email-err",
  });
  const emailError = h("p", { id: "cw-email-err", class: "err", role: "alert" });
  const emailForm = h(
    "form",
    { class: "email", hidden: true, novalidate: true, onsubmit: (e) => void submitEmail(e) },
    h("p", { id: "cw-email-why" }, t.emailPrompt),
    h("label", { for: "cw-email", class: "sr" }, t.email),
    h(
      "div",
      { class: "row" },
      emailInput,
      h("button", { type: "submit", class: "btn" }, t.save),
      h("button", { type: "button", class: "link", onclick: skipEmail }, t.notNow),
    ),
    emailError,
  );
  const emailSaved = h("p", { class: "saved", hidden: true });

  async function submitEmail(e: Event): Promise<void> {
    e.preventDefault();
    const email = emailInput.value.trim();
    if (!emailSchema.safeParse(email).success) {
      emailError.textContent = t.emailInvalid;
      emailInput.setAttribute("aria-invalid", "true");
      return emailInput.focus();
    }
    emailInput.removeAttribute("aria-invalid");
    emailError.textContent = "";
    try {
      await giveEmail(chat, email);
      textarea.focus();
    } catch {
      emailError.textContent = t.emailFailed;
    }
  }

  function skipEmail(): void {
    emailSkipped = true;
    render();
    textarea.focus();
  }

  // ---- composer ----
  const textarea = h("textarea", {
    id: "cw-message",
    rows: "1",
    maxlength: String(MAX_TEXT_CHARS),
    "aria-describedby": "cw-message-err",
  });
  const composerError = h("p", { id: "cw-message-err", class: "err", role: "alert" });
  let typingIdle: ReturnType<typeof setTimeout> | undefined;
  let typingSaidAt = 0;
  const stopTyping = () => {
    if (typingIdle === undefined) return;
    clearTimeout(typingIdle);
    typingIdle = undefined;
    chat.typing(false);
  };
  textarea.addEventListener("input", () => {
    composerError.textContent = "";
    if (typingIdle === undefined || Date.now() - typingSaidAt >= TYPING_REFRESH_MS) {
      chat.typing(true);
      typingSaidAt = Date.now();
    }
    clearTimeout(typingIdle);
    typingIdle = setTimeout(stopTyping, TYPING_IDLE_MS);
  });
  textarea.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      composer.requestSubmit();
    }
  });
  const composer = h(
    "form",
    {
      class: "composer",
      onsubmit: (e) => {
        e.preventDefault();
        const parsed = messageTextSchema.safeParse(textarea.value);
        if (!parsed.success) {
          composerError.textContent = textarea.value.trim() ? t.tooLong(MAX_TEXT_CHARS) : "";
          return;
        }
        stopTyping();
        textarea.value = "";
        void sendMessage(chat, parsed.data);
      },
    },
    h("label", { for: "cw-message", class: "sr" }, t.message),
    textarea,
    h("button", { type: "submit", class: "btn" }, t.send),
    composerError,
  );

  const closeButton = h(
    "button",
    { type: "button", class: "x", "aria-label": t.close, onclick: () => requestClose() },
    icon("close"),
  );
  const panel = h(
    "section",
    { class: "panel", role: "dialog", "aria-modal": "true", "aria-labelledby": "cw-title", hidden: true },
    h("header", { class: "head" }, h("h2", { id: "cw-title" }, t.title), closeButton),
    status,
    log,
    typing,
    emailForm,
    emailSaved,
    composer,
  );
  panel.addEventListener("keydown", (e) => {
    if (e.key === "Escape") {
      e.stopPropagation();
      requestClose();
    } else if (e.key === "Tab") trapFocus(e);
  });
  root.append(panel);

  /** Keeps Tab and Shift+Tab inside the open panel (and its launcher, which closes it). */
  function trapFocus(e: KeyboardEvent): void {
    const focusable = [
      launcher,
      ...panel.querySelectorAll<HTMLElement>("button, input, textarea, [tabindex='0']"),
    ].filter((el) => el.offsetParent !== null || el === launcher);
    const first = focusable[0]!;
    const last = focusable[focusable.length - 1]!;
    const active = root.activeElement;
    if (e.shiftKey && active === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && active === last) {
      e.preventDefault();
      first.focus();
    }
  }
  launcher.addEventListener("keydown", (e) => {
    if (panel.hidden || e.key !== "Tab") return;
    trapFocus(e);
  });

  // ---- rendering ----
  const rows = new Map<string, HTMLElement>();

  function row(entry: Entry): HTMLElement {
    let el = rows.get(entry.key);
    if (!el) {
      el = h(
        "div",
        {},
        h("span", entry.mine ? { class: "sr" } : { class: "who" }, entry.mine ? t.you : entry.author || t.agent),
        h("p", {}, entry.text),
        h("span", { class: "meta" }),
      );
      rows.set(entry.key, el);
    }
    el.className = `m ${entry.mine ? "mine" : "theirs"}${entry.status === "failed" ? " failed" : ""}`;
    const meta = el.lastElementChild as HTMLElement;
    const label = !entry.mine
      ? ""
      : entry.status === "sending"
        ? t.sending
        : entry.status === "sent"
          ? t.sent
          : t.failed;
    if (meta.dataset.label !== label) {
      meta.dataset.label = label;
      meta.replaceChildren(label);
      if (entry.status === "failed")
        meta.append(
          h("button", { type: "button", class: "retry", onclick: () => void retry(chat, entry.key) }, t.retry),
        );
    }
    return el;
  }

  function render(): void {
    const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
    const entries = sortedEntries(chat);
    const keep = new Set(entries.map((e) => e.key));
    for (const [key, el] of rows) {
      if (keep.has(key)) continue;
      el.remove();
      rows.delete(key);
    }
    // Insert in order without moving rows already in place (a live log would announce them again).
    let cursor: ChildNode | null = list.firstChild;
    for (const entry of entries) {
      const el = row(entry);
      if (el === cursor) cursor = cursor.nextSibling;
      else list.insertBefore(el, cursor);
    }
    if (atBottom) log.scrollTop = log.scrollHeight;

    typing.textContent = chat.agentTyping === null ? "" : t.typing(chat.agentTyping);
    const statusText = chat.reconnecting ? t.reconnecting : "";
    if (status.textContent !== statusText) status.textContent = statusText;
    emailForm.hidden = !!chat.contact || emailSkipped || !hasSentSomething(chat);
    emailSaved.hidden = !chat.contact;
    emailSaved.textContent = chat.contact ? t.emailSaved(chat.contact.email) : "";
  }

  chat.on(() => {
    if (!panel.hidden) render();
  });

  return {
    show() {
      panel.hidden = false;
      render();
      log.scrollTop = log.scrollHeight;
      textarea.focus();
      chat.markRead();
      if (chat.hasConversation) {
        chat.connect();
        void loadHistory(chat).catch(() => {});
      }
    },
    hide() {
      const hadFocus = panel.contains(root.activeElement);
      panel.hidden = true;
      stopTyping();
      if (hadFocus) launcher.focus();
    },
  };
}
