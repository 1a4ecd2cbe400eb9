/**
 * The inbox's service worker (built to /sw.js, scope /). It has no fetch handler: it never stands between
 * the app and the network. S39: it shows what the server pushes while no tab is open (in the browser's
 * language), and a click on any of the inbox's notifications focuses an open inbox at the conversation, or
 * opens one there.
 */
import type { AgentNotification } from "../../protocol";
import { t } from "./i18n";

interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface PushEvent extends ExtendableEvent {
  readonly data: { json(): unknown; text(): string } | null;
}
interface NotificationEvent extends ExtendableEvent {
  readonly notification: Notification;
}
interface WindowClient {
  readonly url: string;
  focus(): Promise<WindowClient>;
  postMessage(message: unknown): void;
}
interface WorkerScope {
  readonly registration: ServiceWorkerRegistration;
  readonly location: Location;
  readonly clients: {
    matchAll(options: { type: "window"; includeUncontrolled: boolean }): Promise<WindowClient[]>;
    openWindow(url: string): Promise<WindowClient | null>;
    claim(): Promise<void>;
  };
  skipWaiting(): Promise<void>;
  addEventListener(type: "install" | "activate", listener: (e: ExtendableEvent) => void): void;
  addEventListener(type: "push", listener: (e: PushEvent) => void): void;
  addEventListener(type: "notificationclick", listener: (e: NotificationEvent) => void): void;
}
const scope = self as unknown as WorkerScope;

/** What the worker pushes (src/notifications/push.ts): an English title and body, and what to say them anew with. */
interface Pushed {
  title?: string;
  body?: string;
  url?: string;
  id?: string;
  kind?: AgentNotification["kind"];
  actor?: string | null;
  preview?: string | null;
}

scope.addEventListener("install", (e) => e.waitUntil(scope.skipWaiting()));
scope.addEventListener("activate", (e) => e.waitUntil(scope.clients.claim()));

scope.addEventListener("push", (e) => {
  let data: Pushed = {};
  try {
    data = (e.data?.json() ?? {}) as Pushed;
  } catch {
    data = { body: e.data?.text() ?? "" };
  }
  const known =
    data.kind &&
    data.kind in { mentioned: 1, assigned: 1, unassigned_new: 1, customer_message: 1, unassigned_message: 1 };
  const title = known ? t.noticeTitle(data.kind!, data.actor ?? null) : (data.title ?? t.appName);
  const body = known ? (data.preview ?? "") : (data.body ?? "");
  const url = data.url && data.id ? `${data.url}&n=${data.id}` : (data.url ?? "/");
  e.waitUntil(scope.registration.showNotification(title, { body, tag: data.id, data: { url } }));
});

scope.addEventListener("notificationclick", (e) => {
  e.notification.close();
  const path = (e.notification.data as { url?: string } | null)?.url ?? "/";
  const url = new URL(path, scope.location.origin);
  if (url.origin !== scope.location.origin) return;
  const opened = (async () => {
    const windows = await scope.clients.matchAll({ type: "window", includeUncontrolled: true });
    const open = windows.find((w) => new URL(w.url).origin === url.origin);
    if (!open) {
      await scope.clients.openWindow(url.href);
      return;
    }
    // The app opens it (notifications.ts); focusing may be refused where the click gave no permission to.
    open.postMessage({ type: "open", url: url.pathname + url.search });
    await open.focus().catch(() => {});
  })();
  e.waitUntil(opened);
});
