import { useEffect, useState } from "hono/jsx/dom";
import { api, ok } from "../api";
import { Icon } from "../icons";
import { t } from "../i18n";
import { Clock } from "./Time";

interface SetAsideMail {
  id: string;
  reason: string;
  sender: string | null;
  subject: string | null;
  receivedAt: number;
}

/** Mail that could not be placed (unparseable, or a bounce/auto-reply/report for nothing we know). */
export function SetAside() {
  const [mail, setMail] = useState<SetAsideMail[] | null>(null);
  useEffect(() => {
    void api.mail["set-aside"].$get({ query: {} }).then(async (res) => setMail((await ok(res)).mail));
  }, []);
  return (
    <main class="page set-aside" aria-labelledby="set-aside-title">
      <h1 id="set-aside-title">{t.setAside}</h1>
      <p class="intro">{t.setAsideIntro}</p>
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
              <th scope="col">{t.rawMail}</th>
            </tr>
          </thead>
          <tbody>
            {mail.map((m) => (
              <tr key={m.id}>
                <td data-label={t.received}>
                  <Clock at={m.receivedAt} withDate />
                </td>
                <td data-label={t.sender}>{m.sender ?? "—"}</td>
                <td data-label={t.subject}>{m.subject ?? "—"}</td>
                <td data-label={t.reason}>{m.reason}</td>
                <td data-label={t.rawMail}>
                  <a href={`/api/mail/set-aside/${m.id}/raw`} download>
                    {t.downloadRaw}
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </main>
  );
}
