/**
 * S13: the sites allowed to use the widget's API and socket (`WIDGET_ORIGINS`, comma-separated).
 * An entry is an exact origin (`https://shop.example`), `scheme://host:*` for any port of a host
 * (handy for local development), or `*` for any site. (The worker's own origin is allowed by the caller.)
 *
 * @example
 * widgetOriginAllowed("https://shop.example, http://localhost:*", "http://localhost:3000") // true
 * widgetOriginAllowed("https://shop.example", "https://evil.example")                     // false
 */
export function widgetOriginAllowed(list: string, origin: string): boolean {
  for (const raw of list.split(",")) {
    const entry = raw.trim();
    if (!entry) continue;
    if (entry === "*" || entry === origin) return true;
    if (entry.endsWith(":*") && anyPortMatches(entry.slice(0, -2), origin)) return true;
  }
  return false;
}

function anyPortMatches(schemeAndHost: string, origin: string): boolean {
  if (!origin.startsWith(schemeAndHost)) return false;
  const rest = origin.slice(schemeAndHost.length);
  return rest === "" || /^:\d{1,5}$/.test(rest);
}
