/**
 * S39's signals outside the page while the app is open: a desktop notification, a short sound and the
 * unread count on the favicon. No permission is asked here on load: only `askDesktopPermission`, which
 * a button calls, asks.
 */

/** Whether this browser can show desktop notifications, and what it allows this site. */
export function desktopPermission(): NotificationPermission | "unsupported" {
  return typeof Notification === "undefined" ? "unsupported" : Notification.permission;
}

export async function askDesktopPermission(): Promise<NotificationPermission | "unsupported"> {
  if (typeof Notification === "undefined") return "unsupported";
  return Notification.requestPermission();
}

export interface DesktopNotice {
  title: string;
  body: string;
  /** Replaces an earlier notification with the same tag (the same notice from another tab). */
  tag: string;
  /** The path its click opens (`/conversations/<id>?seq=<n>`). */
  url: string;
}

/**
 * Shows a desktop notification: through the service worker when it runs (its click handler opens the
 * conversation, as a push's does), else with the page's own `Notification`, whose click does the same here.
 */
export async function showDesktop(notice: DesktopNotice, onClick: () => void): Promise<void> {
  if (desktopPermission() !== "granted") return;
  const registration = await navigator.serviceWorker?.getRegistration().catch(() => undefined);
  if (registration?.active) {
    await registration.showNotification(notice.title, {
      body: notice.body,
      tag: notice.tag,
      data: { url: notice.url },
    });
    return;
  }
  const shown = new Notification(notice.title, { body: notice.body, tag: notice.tag });
  shown.onclick = () => {
    focus();
    onClick();
    shown.close();
  };
}

/**
 * Runs `signal` in one tab of this browser only: every open tab hears each notice, the first to claim
 * its key (a Web Lock, atomic across tabs, held a while) shows and sounds it.
 */
export function inOneTab(key: string, signal: () => void): void {
  if (!navigator.locks) {
    signal();
    return;
  }
  void navigator.locks
    .request(`inbox-notice:${key}`, { ifAvailable: true }, async (lock) => {
      if (!lock) return;
      signal();
      await new Promise((resolve) => setTimeout(resolve, 10_000));
    })
    .catch(() => {});
}

// ---- sound: two short tones from WebAudio (no file to fetch), playable once the agent has touched the page ----

let audio: AudioContext | null = null;

/** Browsers let audio start only after a gesture: the first click or key makes (or resumes) the context. */
function unlockAudio(): void {
  if (typeof AudioContext === "undefined") return;
  audio ??= new AudioContext();
  if (audio.state === "suspended") void audio.resume().catch(() => {});
}

export function primeSound(): () => void {
  addEventListener("pointerdown", unlockAudio, true);
  addEventListener("keydown", unlockAudio, true);
  return () => {
    removeEventListener("pointerdown", unlockAudio, true);
    removeEventListener("keydown", unlockAudio, true);
  };
}

/** A soft two-note chime, about a quarter of a second. Silent until the page had a gesture. */
export function playSound(): void {
  if (typeof AudioContext === "undefined") return;
  audio ??= new AudioContext();
  const ctx = audio;
  if (ctx.state === "suspended") void ctx.resume().catch(() => {});
  const start = ctx.currentTime;
  for (const [i, frequency] of [880, 1320].entries()) {
    const at = start + i * 0.12;
    const tone = ctx.createOscillator();
    const gain = ctx.createGain();
    tone.type = "sine";
    tone.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(0.18, at + 0.015);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.14);
    tone.connect(gain).connect(ctx.destination);
    tone.start(at);
    tone.stop(at + 0.15);
  }
}

// ---- the favicon: the app's mark, with the count of unread notices drawn on it ----

/** The mark with a red badge: the count (9+ beyond nine), or a plain dot for unread conversations only. */
export function faviconWith(count: number, dot: boolean): string | null {
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 64;
  const g = canvas.getContext("2d");
  if (!g) return null;
  g.fillStyle = "#2456d3";
  g.beginPath();
  g.roundRect(0, 0, 64, 64, 16);
  g.fill();
  g.fillStyle = "#fff";
  g.fill(new Path2D("M16 18h32v22H26l-10 8z"));
  if (count > 0 || dot) {
    const r = count > 0 ? 19 : 13;
    g.beginPath();
    g.arc(64 - r, r, r, 0, Math.PI * 2);
    g.fillStyle = "#d92d20";
    g.fill();
    g.lineWidth = 3;
    g.strokeStyle = "#fff";
    g.stroke();
    if (count > 0) {
      g.fillStyle = "#fff";
      g.font = "bold 26px system-ui, sans-serif";
      g.textAlign = "center";
      g.textBaseline = "middle";
      g.fillText(count > 9 ? "9+" : String(count), 64 - r, r + 1);
    }
  }
  return canvas.toDataURL("image/png");
}
