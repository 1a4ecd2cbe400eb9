import { useEffect, useState } from "hono/jsx/dom";
import { api, ok } from "../api";
import { clockTime } from "../format";
import { t } from "../i18n";

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
    void api.mail["set-aside"].$get().then(async (res) => setMail((await ok(res)).mail));
  }, []);
  return (
    <main class="set-aside" aria-labelledby="set-aside-title">
      <h1 id="set-aside-title">{t.setAside}</h1>
      <p>{t.setAsideIntro}</p>
      {mail && mail.length === 0 ? <p>{t.nothingSetAside}</p> : null}
      {mail && mail.length > 0 ? (
        <table>
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
                <td>{clockTime(m.receivedAt)}</td>
                <td>{m.sender ?? "—"}</td>
                <td>{m.subject ?? "—"}</td>
                <td>{m.reason}</td>
                <td>
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
