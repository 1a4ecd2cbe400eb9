/** What the embedding site chose, from the script tag's data attributes (README "Chat widget"). */
export interface WidgetConfig {
  /** The worker's origin: where the script came from. */
  api: string;
  position: "left" | "right";
  /** Launcher, header and the visitor's own bubbles. */
  color: string;
  /** Black or white, whichever reads better on `color`. */
  onColor: string;
  greeting: string | null;
  lang: Lang;
}

export type Lang = "en" | "es";
const DEFAULT_COLOR = "#2557d6";

export function readConfig(script: HTMLScriptElement | null): WidgetConfig {
  const data = script?.dataset ?? {};
  const color = /^#[0-9a-f]{6}$/i.test(data.color ?? "") ? data.color! : DEFAULT_COLOR;
  return {
    api: new URL(script?.src || location.href).origin,
    position: data.position === "left" ? "left" : "right",
    color,
    onColor: luminance(color) > 0.4 ? "#111" : "#fff",
    greeting: data.greeting?.trim().slice(0, 300) || null,
    lang: pickLang(data.language),
  };
}

/** The data attribute if it names a language we speak, else the browser's first one we speak, else English. */
function pickLang(wanted: string | undefined): Lang {
  for (const tag of [wanted, ...(navigator.languages ?? []), navigator.language]) {
    const base = tag?.toLowerCase().slice(0, 2);
    if (base === "es" || base === "en") return base;
  }
  return "en";
}

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

/** The few words the loader itself shows; the panel brings the rest. */
export const LAUNCHER_TEXT: Record<Lang, { open: string; close: string; unread: (n: number) => string }> = {
  en: { open: "Open chat", close: "Close chat", unread: (n) => `${n} unread ${n === 1 ? "message" : "messages"}` },
  es: {
    open: "Abrir chat",
    close: "Cerrar chat",
    unread: (n) => `${n} ${n === 1 ? "mensaje sin leer" : "mensajes sin leer"}`,
  },
};
