/**
 * S39: Web Push on this device. The service worker (`/sw.js`, built from sw.ts) shows what the server
 * pushes while no tab is open; this device's subscription is made only from a button, sent to the
 * server, and removed again when the agent turns push off or signs out.
 */
import { api, ok } from "./api";
import { askDesktopPermission } from "./alerts";
import { t } from "./i18n";

export type PushState = "unavailable" | "off" | "on";

function supported(): boolean {
  return "serviceWorker" in navigator && typeof PushManager !== "undefined" && isSecureContext;
}

/** Registered on start (it asks for nothing): desktop notifications are shown through it too. */
export async function registerWorker(): Promise<void> {
  if (!("serviceWorker" in navigator)) return;
  await navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
}

export async function pushState(): Promise<PushState> {
  if (!supported()) return "unavailable";
  const registration = await navigator.serviceWorker.getRegistration();
  return (await registration?.pushManager.getSubscription()) ? "on" : "off";
}

function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** Subscribes this device with the server's VAPID key and gives the server the subscription. */
export async function enablePush(): Promise<void> {
  if (!supported()) throw new Error(t.pushUnavailable);
  const { publicKey } = await ok(await api.notifications.push.key.$get());
  if (!publicKey) throw new Error(t.pushUnavailable);
  if ((await askDesktopPermission()) !== "granted") throw new Error(t.desktopBlocked);
  await registerWorker();
  const registration = await navigator.serviceWorker.ready;
  const subscription = await registration.pushManager.subscribe({
    userVisibleOnly: true,
    applicationServerKey: fromBase64url(publicKey),
  });
  const { endpoint, keys } = subscription.toJSON();
  if (!endpoint || !keys?.p256dh || !keys.auth) throw new Error(t.pushUnavailable);
  try {
    await ok(
      await api.notifications.push.subscriptions.$post({
        json: { endpoint, keys: { p256dh: keys.p256dh, auth: keys.auth } },
      }),
    );
  } catch (err) {
    await subscription.unsubscribe().catch(() => {});
    throw new Error((err as { message?: string }).message ?? String(err));
  }
}

/** Forgets this device: the server stops pushing to it, and the browser drops the subscription. */
export async function disablePush(): Promise<void> {
  if (!supported()) return;
  const registration = await navigator.serviceWorker.getRegistration();
  const subscription = await registration?.pushManager.getSubscription();
  if (!subscription) return;
  await api.notifications.push.subscriptions.remove
    .$post({ json: { endpoint: subscription.endpoint } })
    .catch(() => {});
  await subscription.unsubscribe().catch(() => {});
}
