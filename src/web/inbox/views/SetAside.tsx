import { useEffect, useState } from "hono/jsx/dom";
import { api, type ApiFailure, ok } from "../api";
import { Icon } from "../icons";
import { t } from "../i18n";
import { navigate, paths } from "../router";
import { Clock } from "./Time";

interface SetAsideMail {
  id: string;
  reason: string;
  sender: string | null;
  subject: string | null;
  receivedAt: number;
  /** Made into a conversation (S23): this one. */
  conversationId: string | null;
  dismissedAt: number | null;
}

/**
 * Mail that could not be placed (unparseable, or a bounce/auto-reply/report for nothing we know). An
 * agent makes one a conversation after all (its sender the contact, found or created; the mail its
 * first message) or dismisses it: kept and downloadable, listed only under "Show dismissed" (S23).
 */
export function SetAside() {
  const [dismissed, setDismissed] = useState(false);
  const [mail, setMail] = useState<SetAsideMail[] | null>(null);
  const [error, setError] = useState("");
  const load = async () =>
    setMail((await ok(await api.mail["set-aside"].$get({ query: { dismissed: dismissed ? "true" : "false" } }))).mail);
  useEffect(() => {
    setMail(null);
    void load().catch((err: ApiFailure) => setError(err.message));
  }, [dismissed]);

  const run = async (action: () => Promise<void>) => {
    setError("");
    try {
      await action();
    } catch (err) {
      setError((err as ApiFailure).message);
    }
  };
  const makeConversation = (m: SetAsideMail) =>
    run(async () => {
      const { conversationId } = await ok(
        await api.mail["set-aside"][":id"].conversation.$post({ param: { id: m.id } }),
      );
      navigate(paths.conversation(conversationId));
    });
  const dismiss = (m: SetAsideMail) =>
    run(async () => {
      await ok(await api.mail["set-aside"][":id"].dismiss.$post({ param: { id: m.id } }));
      setMail((list) => list?.filter((x) => x.id !== m.id) ?? null);
      document.getElementById("set-aside-title")?.focus();
    });

  return (
    <main class="page set-aside" aria-labelledby="set-aside-title">
      <h1 id="set-aside-title" tabindex={-1}>
        {t.setAside}
      </h1>
      <p class="intro">{t.setAsideIntro}</p>
      <label class="chip">
        <input
          type="checkbox"
          checked={dismissed}
          onChange={(e: Event) => setDismissed((e.target as HTMLInputElement).checked)}
        />
        {t.showDismissed}
      </label>
      <p class="error" role="alert">
        {error}
      </p>
      {mail === null ? <p>{t.loading}</p> : null}
      {mail && mail.length === 0 ? (
        <div class="empty-state">
          <Icon name="setAside" class="empty-icon" />
          <p class="empty-title">{t.nothingSetAside}</p>
          <p>{t.nothingSetAsideHint}</p>
        </div>
      ) : null}
      {mail && mail.length > 0 ? (
        <table class="table stack">
          <thead>
            <tr>
              <th scope="col">{t.received}</th>
              <th scope="col">{t.sender}</th>
              <th scope="col">{t.subject}</th>
              <th scope="col">{t.reason}</th>
              <th scope="col">{t.actions}</th>
            </tr>
          </thead>
          <tbody>
            {mail.map((m) => (
              <tr key={m.id} data-set-aside={m.id}>
                <td data-label={t.received}>
                  <Clock at={m.receivedAt} withDate />
                </td>
                <td data-label={t.sender}>{m.sender ?? "—"}</td>
                <td data-label={t.subject}>{m.subject ?? "—"}</td>
                <td data-label={t.reason}>
                  {m.reason}
                  {m.dismissedAt ? <span class="hint"> {t.dismissedNote}</span> : null}
                </td>
                <td data-label={t.actions}>
                  <span class="row-actions">
                    {m.conversationId ? (
                      <a
                        class="button small"
                        href={paths.conversation(m.conversationId)}
                        onClick={(e: MouseEvent) => {
                          e.preventDefault();
                          navigate(paths.conversation(m.conversationId!));
                        }}
                      >
                        {t.openConversation}
                      </a>
                    ) : m.sender ? (
                      <button type="button" class="button small" onClick={() => void makeConversation(m)}>
                        {t.makeConversation}
                      </button>
                    ) : null}
                    {m.dismissedAt ? null : (
                      <button type="button" class="button small" onClick={() => void dismiss(m)}>
                        {t.dismiss}
                      </button>
                    )}
                    <a href={`/api/mail/set-aside/${m.id}/raw`} download>
                      {t.downloadRaw}
                    </a>
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </main>
  );
}
