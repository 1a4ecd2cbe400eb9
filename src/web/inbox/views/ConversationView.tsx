import { useEffect, useRef, useState } from "hono/jsx/dom";
import { type Channel, type Message, typedAddress } from "../../../protocol";
import { messengerWindow, preselectedChannel, replyChannels } from "../channels";
import { channelLabel, clockTime, displayName } from "../format";
import { t } from "../i18n";
import { fillTags, hasTags, splitName, type TagValues } from "../../../saved-responses/tags";
import { type Pending, store, type Thread } from "../store";
import { SavedResponsesPicker } from "./SavedResponses";

function author(m: Message, thread: Thread): string {
  if (m.author.kind === "agent") return m.author.id === store.me?.id ? t.you : m.author.name ?? t.unknown;
  if (m.author.kind === "system") return t.system;
  // S18: a mail shows who really sent it, whatever the conversation's contact is called.
  const from = m.email?.from;
  if (m.kind === "customer" && from) return m.author.name && m.author.name !== from ? `${m.author.name} <${from}>` : from;
  return thread.summary ? displayName(thread.summary) : t.visitor;
}

/** A mail joined this conversation (by its reply address or threading headers) from someone else. */
function fromSomeoneElse(m: Message, thread: Thread): boolean {
  const contact = thread.summary?.contact?.email;
  return m.kind === "customer" && !!m.email?.from && !!contact && m.email.from.toLowerCase() !== contact.toLowerCase();
}

function MessageItem({ m, thread }: { m: Message; thread: Thread }) {
  return (
    <li class={`message ${m.direction}`} data-seq={m.seq}>
      <div class="meta">
        {m.channel ? <span class={`tag tag-${m.channel}`}>{channelLabel(m.channel)}</span> : m.kind === "note" ? <span class="tag tag-note">{t.note}</span> : null}
        <span class="author">{author(m, thread)}</span>
        <time dateTime={new Date(m.createdAt).toISOString()}>{clockTime(m.createdAt)}</time>
        {m.direction === "outbound" ? <span class="state">{statusLabel[m.status]}</span> : null}
        {m.status === "failed" && m.clientId && m.channel ? (
          <button type="button" onClick={() => void store.send(m.text, m.channel!, m.clientId!)}>
            {t.retry}
          </button>
        ) : null}
      </div>
      {m.error ? <p class="error">{m.error}</p> : null}
      {m.email ? <EmailHeader m={m} thread={thread} /> : null}
      <p class="text">{m.text}</p>
      {m.email ? <EmailExtras m={m} /> : null}
    </li>
  );
}

function EmailHeader({ m, thread }: { m: Message; thread: Thread }) {
  const e = m.email!;
  return (
    <p class="email-header">
      {e.subject ? (
        <span class="subject">
          {t.subject}: {e.subject}
        </span>
      ) : null}
      {e.senderVerified === false ? <span class="badge warn"> {t.senderNotVerified}</span> : null}
      {fromSomeoneElse(m, thread) ? (
        <span class="badge warn" data-testid="not-the-contact">
          {" "}
          {t.notTheContact}
        </span>
      ) : null}
      {e.autoReply ? <span class="badge"> {t.autoReply}</span> : null}
    </p>
  );
}

/** S22: quoted history folded, the formatted mail in a sandboxed frame, attachments to download. */
function EmailExtras({ m }: { m: Message }) {
  const e = m.email!;
  const [frame, setFrame] = useState<"" | "0" | "1">("");
  const base = `/api/mail/${m.conversationId}/${m.id}`;
  return (
    <div class="email-extras">
      {e.quoted ? (
        <details>
          <summary>{t.showQuoted}</summary>
          <pre class="quoted">{e.quoted}</pre>
        </details>
      ) : null}
      {e.html ? (
        <p>
          <button type="button" onClick={() => setFrame("0")}>
            {t.showFormatted}
          </button>{" "}
          {e.remoteImages && frame === "0" ? (
            <button type="button" onClick={() => setFrame("1")}>
              {t.loadImages}
            </button>
          ) : null}
        </p>
      ) : null}
      {frame ? <iframe class="email-frame" sandbox="" title={e.subject ?? t.showFormatted} src={`${base}/html?images=${frame}`} /> : null}
      {e.attachments.length ? (
        <ul class="attachments" aria-label={t.attachments}>
          {e.attachments.map((a) => (
            <li>
              <a href={`${base}/attachments/${a.index}`} download={a.filename}>
                {a.filename}
              </a>{" "}
              <span class="size">({Math.ceil(a.size / 1024)} KB)</span>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

const statusLabel: Record<Message["status"], string> = { sending: t.sending, sent: t.sent, delivered: t.delivered, read: t.seen, failed: t.failed };

function PendingItem({ p }: { p: Pending }) {
  return (
    <li class={`message outbound pending ${p.state}`}>
      <div class="meta">
        <span class={`tag tag-${p.channel}`}>{channelLabel(p.channel)}</span>
        <span class="author">{t.you}</span>
        <span class="state">{p.state === "sending" ? t.sending : t.failed}</span>
        {p.error ? <span class="error">{p.error}</span> : null}
        {p.state === "failed" ? (
          <button type="button" onClick={() => void store.retry(p)}>
            {t.retry}
          </button>
        ) : null}
      </div>
      <p class="text">{p.text}</p>
    </li>
  );
}

/** S12: the values personalization tags take in this conversation. */
function tagValues(thread: Thread): TagValues {
  const c = thread.summary!;
  const contact = splitName(c.contact?.name ?? c.personName);
  const agent = splitName(store.me?.name);
  return { "contact.first_name": contact.first, "contact.last_name": contact.last, "contact.email": c.contact?.email ?? null, "agent.name": store.me?.name ?? null, "agent.first_name": agent.first };
}

function Composer({ thread }: { thread: Thread }) {
  const summary = thread.summary!;
  const options = replyChannels(summary);
  const [channel, setChannel] = useState<Channel>(preselectedChannel(summary, thread.visitorOnline));
  const [text, setText] = useState("");
  const [picking, setPicking] = useState(false);
  const area = useRef<HTMLTextAreaElement>(null);
  const typingSince = useRef<number | null>(null);
  // Pre-select again when another conversation opens or the visitor comes and goes (S7).
  useEffect(() => setChannel(preselectedChannel(summary, thread.visitorOnline)), [thread.id, thread.visitorOnline]);

  const filled = hasTags(text) ? fillTags(text, tagValues(thread)) : null;
  const stopTyping = () => {
    if (typingSince.current !== null) store.typing(false);
    typingSince.current = null;
  };
  const submit = () => {
    if (!text.trim() || (filled && !filled.ok)) return;
    const out = filled?.ok ? filled.text : text;
    setText("");
    stopTyping();
    void store.send(out.trim(), channel);
  };
  /** S11: a saved response goes in at the cursor, replacing a "/" that opened the picker. */
  const insert = (body: string) => {
    const el = area.current!;
    const start = el.selectionStart ?? text.length;
    const end = el.selectionEnd ?? start;
    const before = text.slice(0, start).replace(/(^|\n)\/$/, "$1");
    const next = before + body + text.slice(end);
    setText(next);
    setPicking(false);
    setTimeout(() => {
      el.focus();
      el.setSelectionRange(before.length + body.length, before.length + body.length);
    }, 0);
  };
  const reasons = options.filter((o) => o.disabledReason);

  return (
    <form
      class="composer"
      aria-label={t.composer}
      onSubmit={(e: Event) => {
        e.preventDefault();
        submit();
      }}
    >
      <div class="composer-bar">
        <label for="reply-channel">{t.replyVia}</label>
        <select id="reply-channel" value={channel} aria-describedby="channel-reasons" onChange={(e: Event) => setChannel((e.target as HTMLSelectElement).value as Channel)}>
          {options.map((o) => (
            <option value={o.channel} disabled={o.disabledReason !== null} selected={o.channel === channel}>
              {o.disabledReason
                ? `${channelLabel(o.channel)} — ${o.disabledReason}`
                : o.channel === "email" && typedAddress(summary)
                  ? `${channelLabel(o.channel)} — ${summary.contact!.email} (${t.unverified})`
                  : channelLabel(o.channel)}
            </option>
          ))}
        </select>
        <SavedResponsesPicker open={picking} onOpen={() => setPicking(true)} onClose={() => { setPicking(false); area.current?.focus(); }} onPick={insert} />
      </div>
      {channel === "messenger" ? <p class="window">{messengerWindow(summary)}</p> : null}
      <ul id="channel-reasons" class="channel-reasons">
        {reasons.map((o) => (
          <li>
            {channelLabel(o.channel)}: {o.disabledReason}
          </li>
        ))}
      </ul>
      <textarea
        id="composer-text"
        ref={area}
        rows={3}
        aria-label={t.composer}
        placeholder={t.replyPlaceholder}
        value={text}
        onKeyDown={(e: KeyboardEvent) => {
          if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            submit();
          }
        }}
        onInput={(e: Event) => {
          const el = e.target as HTMLTextAreaElement;
          setText(el.value);
          // Typing "/" at the start of a line opens the saved-responses search (S11).
          const caret = el.selectionStart ?? 0;
          if (el.value[caret - 1] === "/" && (caret === 1 || el.value[caret - 2] === "\n")) setPicking(true);
          if (el.value === "") return stopTyping();
          if (typingSince.current === null) store.typing(true, channel);
          typingSince.current = Date.now();
        }}
        onBlur={stopTyping}
      />
      {filled ? (
        <div class={`reply-preview${filled.ok ? "" : " invalid"}`} aria-live="polite">
          <strong>{t.preview}</strong>
          {filled.ok ? (
            <p class="text">{filled.text}</p>
          ) : (
            <ul role="alert">
              {filled.problems.map((p) => (
                <li>{p}</li>
              ))}
            </ul>
          )}
        </div>
      ) : null}
      <button type="submit" disabled={!!filled && !filled.ok}>
        {t.send}
      </button>
    </form>
  );
}

function ContactPanel({ thread }: { thread: Thread }) {
  const c = thread.summary!;
  return (
    <aside class="contact" aria-label={t.contact}>
      <h2>{t.contact}</h2>
      <dl>
        <dt>{t.name}</dt>
        <dd>{c.contact?.name || displayName(c)}</dd>
        <dt>{t.email}</dt>
        <dd>
          {c.contact?.email ?? "—"}
          {c.contact && !c.contact.verified ? <span class="badge warn" data-testid="unverified"> ({t.unverified})</span> : null}
        </dd>
        <dt>{t.identities}</dt>
        <dd>
          {channelLabel(c.channel)}
          {c.channel === "chat" ? ` · ${t.visitorId} ${c.id.slice(2, 10)}` : ""}
        </dd>
      </dl>
    </aside>
  );
}

export function ConversationView({ thread }: { thread: Thread }) {
  const list = useRef<HTMLOListElement>(null);
  useEffect(() => {
    list.current?.lastElementChild?.scrollIntoView({ block: "end" });
  }, [thread.messages.length, thread.pending.length]);
  if (!thread.summary) return <section class="conversation" aria-busy="true" />;
  const s = thread.summary;
  return (
    <section class="conversation" aria-label={displayName(s)}>
      <header class="conversation-header">
        <h1>
          {displayName(s)}
          <span class={`presence ${thread.visitorOnline ? "on" : "off"}`}>{thread.visitorOnline ? t.online : t.offline}</span>
        </h1>
        <span class="status-label">{s.read ? t.read : t.unread}</span>
        {s.status === "open" ? (
          <button type="button" id="complete-button" onClick={() => void store.setStatus("complete")}>
            {t.complete}
          </button>
        ) : (
          <button type="button" id="reopen-button" onClick={() => void store.setStatus("open")}>
            ✓ {t.reopen}
          </button>
        )}
      </header>
      <div class="conversation-body">
        <div class="thread-column">
          <ol class="thread" ref={list} aria-label={t.thread}>
            {thread.messages.map((m) => (
              <MessageItem key={m.seq} m={m} thread={thread} />
            ))}
            {thread.pending.map((p) => (
              <PendingItem key={p.clientId} p={p} />
            ))}
          </ol>
          <p class="typing" aria-live="polite">
            {thread.visitorTyping ? t.typing(displayName(s)) : thread.agentTyping ? t.typing(thread.agentTyping) : ""}
          </p>
          <Composer thread={thread} />
        </div>
        <ContactPanel thread={thread} />
      </div>
    </section>
  );
}
