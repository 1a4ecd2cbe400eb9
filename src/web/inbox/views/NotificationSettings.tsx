import { useEffect, useState } from "hono/jsx/dom";
import type { NotificationPrefs } from "../../../notifications/store";
import { askDesktopPermission, desktopPermission, playSound } from "../alerts";
import { t } from "../i18n";
import { noticeActions, notices } from "../notifications";
import { disablePush, enablePush, type PushState, pushState } from "../push";
import { useSelect } from "../state";

type Pref = keyof NotificationPrefs;

/**
 * S39: what I am notified about and how, saved on the server as each box changes; the browser's
 * permission for desktop notifications (asked only from its button) and push on this device.
 */
export function NotificationSettings() {
  const prefs = useSelect(notices, (s) => s.prefs);
  const [said, setSaid] = useState({ done: "", error: "" });
  const [permission, setPermission] = useState(desktopPermission());
  const [push, setPush] = useState<PushState | "busy">("busy");
  useEffect(() => {
    void pushState().then(setPush);
  }, []);

  const box = (key: Pref, label: string) => (
    <label class="pref">
      <input
        type="checkbox"
        name={key}
        checked={prefs?.[key] ?? false}
        disabled={!prefs}
        onChange={async (e: Event) => {
          const input = e.target as HTMLInputElement;
          try {
            await noticeActions.savePrefs({ [key]: input.checked });
            setSaid({ done: t.prefsSaved, error: "" });
          } catch (err) {
            input.checked = !input.checked; // not saved: as it was
            setSaid({ done: "", error: (err as { message?: string }).message ?? String(err) });
          }
        }}
      />
      <span>{label}</span>
    </label>
  );

  const turnPush = async (on: boolean) => {
    setPush("busy");
    try {
      await (on ? enablePush() : disablePush());
      setSaid({ done: "", error: "" });
    } catch (err) {
      setSaid({ done: "", error: t.pushFailed((err as { message?: string }).message ?? String(err)) });
    }
    setPermission(desktopPermission());
    setPush(await pushState());
  };

  return (
    <section class="card notification-settings" aria-labelledby="notify-title">
      <h2 id="notify-title">{t.notifications}</h2>
      <fieldset>
        <legend>{t.notifyAbout}</legend>
        {box("mentioned", t.prefMentioned)}
        {box("assigned", t.prefAssigned)}
        {box("unassigned_new", t.prefUnassignedNew)}
        {box("customer_message", t.prefCustomerMessage)}
        {box("unassigned_message", t.prefUnassignedMessage)}
      </fieldset>
      <fieldset>
        <legend>{t.notifyHow}</legend>
        {box("desktop", t.prefDesktop)}
        {box("sound", t.prefSound)}
        {box("push", t.prefPush)}
      </fieldset>
      <div class="notify-device">
        {permission === "default" ? (
          <button
            type="button"
            class="button"
            onClick={async () => {
              setPermission(await askDesktopPermission());
            }}
          >
            {t.allowDesktop}
          </button>
        ) : (
          <p class="hint" data-permission={permission}>
            {permission === "granted"
              ? t.desktopAllowed
              : permission === "denied"
                ? t.desktopBlocked
                : t.desktopUnsupported}
          </p>
        )}
        <button type="button" class="button" onClick={() => playSound()}>
          {t.playSound}
        </button>
        {push === "unavailable" ? (
          <p class="hint">{t.pushUnavailable}</p>
        ) : push === "on" ? (
          <>
            <p class="hint">{t.pushOn}</p>
            <button type="button" class="button" onClick={() => void turnPush(false)}>
              {t.disablePush}
            </button>
          </>
        ) : (
          <button type="button" class="button" disabled={push === "busy"} onClick={() => void turnPush(true)}>
            {t.enablePush}
          </button>
        )}
      </div>
      <p class="done" role="status">
        {said.done}
      </p>
      <p class="error" role="alert">
        {said.error}
      </p>
    </section>
  );
}
