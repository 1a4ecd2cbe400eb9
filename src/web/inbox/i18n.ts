import { en, type Strings } from "./strings/en";
import { es } from "./strings/es";

/**
 * The inbox speaks English and Spanish: the browser's first language we speak, as the widget picks it
 * (S30): `navigator.languages` in order.
 */
function pickLang(): "en" | "es" {
  for (const tag of [...(navigator.languages ?? []), navigator.language]) {
    const base = tag?.toLowerCase().slice(0, 2);
    if (base === "es" || base === "en") return base;
  }
  return "en";
}

export const lang = pickLang();
/** Every text of the app, in the agent's language. */
export const t: Strings = lang === "es" ? es : en;
