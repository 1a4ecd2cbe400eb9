/**
 * The app's one set of icons: inline SVG (no font, no request), 24×24, drawn with the current text
 * colour. Always decorative: the control or marker that holds one carries the words.
 */
const PATHS = {
  inbox: "M3 13h5l1.5 3h5l1.5-3h5M5.5 5h13L21 13v6H3v-6z",
  setAside: "M3 4h18v4H3zM5 8v12h14V8M10 12h4",
  agents: "M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM2 21v-1a6 6 0 0 1 12 0v1M16 3.5a4 4 0 0 1 0 7.5M22 21v-1a6 6 0 0 0-4-5.6",
  signOut: "M9 20H5V4h4M16 16l4-4-4-4M20 12H9",
  back: "M15 18l-6-6 6-6",
  contact: "M16 8a4 4 0 1 1-8 0 4 4 0 0 1 8 0zM4 21v-1a7 7 0 0 1 14 0v1",
  check: "M5 12.5l4.5 4.5L19 7",
  reopen: "M3 12a9 9 0 1 0 3-6.7L3 8M3 3v5h5",
  send: "M4 12 20 4l-6 16-2.5-6.5zM11.5 13.5 20 4",
  saved: "M6 3h12v18l-6-4-6 4z",
  search: "M11 18a7 7 0 1 0 0-14 7 7 0 0 0 0 14zM21 21l-5-5",
  chat: "M4 5h16v11H9l-5 4z",
  email: "M3 5h18v14H3zM3 7l9 6 9-6",
  messenger:
    "M12 3C7 3 3 6.6 3 11c0 2.4 1.2 4.6 3 6v4l3.3-1.8c.9.3 1.8.4 2.7.4 5 0 9-3.6 9-8.6S17 3 12 3zM7.5 13.5l3-3 2.5 2 3.5-3.5",
  close: "M6 6l12 12M18 6 6 18",
  info: "M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zM12 11v6M12 7.5v.5",
  alert: "M12 3 2 20h20zM12 10v4M12 17v.5",
  note: "M5 4h14v10l-6 6H5zM13 20v-6h6",
  clip: "M20 11l-8.5 8.5a5 5 0 0 1-7-7L13 4a3.5 3.5 0 0 1 5 5l-8.5 8.5a2 2 0 0 1-3-3L14 7",
  keyboard: "M3 6h18v12H3zM7 10h.01M11 10h.01M15 10h.01M7 14h10",
  brand: "M4 4h12v9H8l-4 3zM8 16v1h8l4 3V8h-4",
  bell: "M6 16v-5a6 6 0 0 1 12 0v5l2 2H4zM10 20.5a2 2 0 0 0 4 0",
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name, class: className }: { name: IconName; class?: string }) {
  return (
    <svg class={className ? `icon ${className}` : "icon"} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d={PATHS[name]} />
    </svg>
  );
}
