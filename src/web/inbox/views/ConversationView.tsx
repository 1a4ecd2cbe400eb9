import { memo, useEffect, useRef, useState } from "hono/jsx/dom";
import type { AgentView } from "../../../auth/agent-view";
import { type Channel, type ConversationSummary, type Message, typedAddress } from "../../../protocol";
import { channelProblem } from "../channels";
import { authorOf, avatarTone, channelLabel, dayLabel, displayName, initials, sameDay } from "../format";
import { Icon } from "../icons";
import { t } from "../i18n";
import { goUp, navigate, paths } from "../router";
import { counted, useSelect } from "../state";
import { actions } from "../store";
import { type Pending, store, type Thread } from "../inbox-state";
import { AssignMenu, Viewers } from "./Ownership";
import { LabelChips, TriageMenu } from "./Triage";
import { Composer } from "./Composer";
import { ContactPanel } from "./ContactPanel";
import { Clock } from "./Time";

/** A mail joined this conversation (by its reply address or threading headers) from someone else. */
function fromSomeoneElse(m: Message, summary: ConversationSummary): boolean {
  const contact = summary.contact?.email;
  return m.kind === "customer" && !!m.email?.from && !!contact && m.email.from.toLowerCase() !== contact.toLowerCase();
}

const statusLabel: Record<Message["status"], string> = {
  sending: t.sending,
  sent: t.sent,
  delivered: t.delivered,
  read: t.seen,
  failed: t.failed,
};

function ChannelTag({ channel }: { channel: Channel }) {
  return (
    <span class={`tag tag-${channel}`}>
      <Icon name={channel} />
      {channelLabel(channel)}
    </span>
  );
}

/** One message of the thread. `mixed`: the thread holds more than one channel, so each message shows its own. */
const MessageItem = memo(function MessageItem({
  m,
  author,
  mixed,
  someoneElse,
  canRetry,
}: {
  m: Message;
  author: string;
  mixed: boolean;
  someoneElse: boolean;
  /** S7: it failed and its channel can reach the conversation now, so a retry can succeed. */
  canRetry: boolean;
}) {
  return (
    <li class={`message ${m.direction} kind-${m.kind}${m.status === "failed" ? " failed" : ""}`} data-seq={m.seq}>
      <div class="meta">
        {mixed && m.channel ? <ChannelTag channel={m.channel} /> : null}
        {m.kind === "note" ? (
          <span class="tag tag-note">
            <Icon name="note" />
            {t.internalNote}
          </span>
        ) : null}
        <span class="author">{author}</span>
        <Clock at={m.createdAt} />
      </div>
      <div class="bubble">
        {m.email ? <EmailHeader m={m} someoneElse={someoneElse} /> : null}
        <p class="text">{m.text}</p>
        {m.email ? <EmailExtras m={m} /> : null}
      </div>
      {m.direction === "outbound" ? (
        <div class="delivery">
          <span class="state">{statusLabel[m.status]}</span>
          {canRetry ? (
            <button type="button" class="link-button" onClick={() => void actions.retryFailed(m)}>
              {t.retry}
            </button>
          ) : null}
        </div>
      ) : null}
      {m.error ? (
        <p class="error" role="note">
          {m.error}
        </p>
      ) : null}
    </li>
  );
});

function EmailHeader({ m, someoneElse }: { m: Message; someoneElse: boolean }) {
  const e = m.email!;
  return (
    <p class="email-header">
      {e.subject ? (
        <span class="subject">
          {t.subject}: {e.subject}
        </span>
      ) : null}
      {e.senderVerified === false ? <span class="badge warn">{t.senderNotVerified}</span> : null}
      {someoneElse ? (
        <span class="badge warn" data-testid="not-the-contact">
          {t.notTheContact}
        </span>
      ) : null}
      {e.autoReply ? <span class="badge">{t.autoReply}</span> : null}
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
        <p class="email-actions">
          <button type="button" class="button small" onClick={() => setFrame("0")}>
            {t.showFormatted}
          </button>
          {e.remoteImages && frame === "0" ? (
            <button type="button" class="button small" onClick={() => setFrame("1")}>
              {t.loadImages}
            </button>
          ) : null}
        </p>
      ) : null}
      {frame ? (
        <iframe
          class="email-frame"
          sandbox=""
          title={e.subject ?? t.showFormatted}
          src={`${base}/html?images=${frame}`}
        />
      ) : null}
      {e.attachments.length ? (
        <ul class="attachments" aria-label={t.attachments}>
          {e.attachments.map((a) => (
            <li>
              <Icon name="clip" />
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

/** Agent-only events (assigned, labelled…): a quiet line in the thread. */
function EventLine({ m }: { m: Message }) {
  return (
    <li class="event" data-seq={m.seq}>
      <span>{m.text}</span> <Clock at={m.createdAt} />
    </li>
  );
}

function PendingItem({ p, mixed }: { p: Pending; mixed: boolean }) {
  return (
    <li class={`message outbound pending ${p.state}`}>
      <div class="meta">
        {mixed ? <ChannelTag channel={p.channel} /> : null}
        <span class="author">{t.you}</span>
      </div>
      <div class="bubble">
        <p class="text">{p.text}</p>
      </div>
      <div class="delivery">
        <span class="state">{p.state === "sending" ? t.sending : t.failed}</span>
        {p.state === "failed" && p.retryable ? (
          <button type="button" class="link-button" onClick={() => void actions.retry(p)}>
            {t.retry}
          </button>
        ) : null}
        {p.state === "failed" && !p.retryable ? (
          // S7: no retry can fix it (the channel refused it, for the reason shown): put it away.
          <button type="button" class="link-button" onClick={() => actions.dismiss(p.clientId)}>
            {t.dismiss}
          </button>
        ) : null}
      </div>
      {p.error ? (
        <p class="error" role="alert">
          {p.error}
        </p>
      ) : null}
    </li>
  );
}

/** The thread, oldest first, with a divider for each day. Re-renders when its messages change, never for typing. */
const ThreadView = memo(function ThreadView({
  messages,
  pending,
  summary,
  meId,
}: {
  messages: Thread["messages"];
  pending: Thread["pending"];
  summary: ConversationSummary;
  meId: string;
}) {
  counted("thread");
  const list = useRef<HTMLOListElement>(null);
  // Follow new messages while the agent is at the bottom; leave them alone while they read further up.
  const atBottom = useRef(true);
  useEffect(() => {
    const el = list.current;
    if (el && (atBottom.current || pending.length > 0)) el.scrollTop = el.scrollHeight;
  }, [messages.length, pending.length]);

  const channels = new Set<Channel>();
  for (const m of messages) if (m.channel) channels.add(m.channel);
  for (const p of pending) channels.add(p.channel);
  const mixed = channels.size > 1;
  const items: unknown[] = [];
  let day: number | null = null;
  for (const m of messages) {
    if (day === null || !sameDay(day, m.createdAt)) {
      day = m.createdAt;
      items.push(
        <li class="day" key={`day-${m.seq}`}>
          <time dateTime={new Date(m.createdAt).toISOString().slice(0, 10)}>{dayLabel(m.createdAt)}</time>
        </li>,
      );
    }
    items.push(
      m.kind === "event" ? (
        <EventLine key={m.seq} m={m} />
      ) : (
        <MessageItem
          key={m.seq}
          m={m}
          author={authorOf(m, summary, meId)}
          mixed={mixed}
          someoneElse={fromSomeoneElse(m, summary)}
          canRetry={m.status === "failed" && m.kind === "reply" && !!m.clientId && !channelProblem(summary, m.channel)}
        />
      ),
    );
  }
  for (const p of pending) items.push(<PendingItem key={p.clientId} p={p} mixed={mixed} />);
  return (
    <ol
      class="thread"
      ref={list}
      aria-label={t.thread}
      tabindex={0}
      onScroll={(e: Event) => {
        const el = e.target as HTMLElement;
        atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 48;
      }}
    >
      {items}
    </ol>
  );
});

/** "… is typing…": the only thing a typing frame re-renders in the conversation. */
function TypingLine({ id, visitorName }: { id: string; visitorName: string }) {
  counted("typing-line");
  const who = useSelect(store, (s) => (s.typing.visitors.has(id) ? visitorName : (s.typing.agents.get(id) ?? null)));
  return (
    <p class="typing" aria-live="polite">
      {who ? t.typing(who) : ""}
    </p>
  );
}

const ConversationHeader = memo(function ConversationHeader({
  summary: s,
  online,
  me,
}: {
  summary: ConversationSummary;
  online: boolean;
  me: string;
}) {
  const name = displayName(s);
  return (
    <header class="conversation-header">
      <button
        type="button"
        class="icon-button back"
        aria-label={t.backToList}
        title={t.backToList}
        onClick={() => goUp(paths.list)}
      >
        <Icon name="back" />
      </button>
      <span class="avatar-wrap">
        <span class={`avatar tone-${avatarTone(s.id)}`} aria-hidden="true">
          {initials(name)}
        </span>
      </span>
      <div class="heading">
        <h1 id="conversation-title" tabindex={-1}>
          {name}
        </h1>
        <p class="subline">
          <LabelChips ids={s.labels} />
          <span class="channel-chip">
            <Icon name={s.channel} />
            {channelLabel(s.channel)}
          </span>
          <span class={`presence ${online ? "on" : "off"}`}>{online ? t.online : t.offline}</span>
          {typedAddress(s) ? (
            <span class="badge warn" title={t.unverifiedHint}>
              {t.unverified}
            </span>
          ) : null}
        </p>
      </div>
      <a
        href={paths.contact(s.id)}
        class="icon-button contact-button"
        aria-label={t.contactDetails}
        title={t.contactDetails}
        onClick={(e: MouseEvent) => {
          e.preventDefault();
          navigate(paths.contact(s.id));
        }}
      >
        <Icon name="contact" />
      </a>
      <Viewers conversationId={s.id} meId={me} />
      <AssignMenu summary={s} meId={me} />
      <TriageMenu summary={s} />
      {s.status === "open" ? (
        <button type="button" class="button" id="complete-button" onClick={() => void actions.setStatus("complete")}>
          <Icon name="check" />
          <span>{t.complete}</span>
        </button>
      ) : (
        <button type="button" class="button" id="reopen-button" onClick={() => void actions.setStatus("open")}>
          <Icon name="reopen" />
          <span>{t.reopen}</span>
        </button>
      )}
    </header>
  );
});

export function ConversationView({ thread, online, me }: { thread: Thread; online: boolean; me: AgentView }) {
  counted("conversation");
  const s = thread.summary;
  if (!s) return <section class="conversation" aria-busy="true" aria-label={t.loading} />;
  return (
    <section class="conversation" aria-labelledby="conversation-title">
      <ConversationHeader summary={s} online={online} me={me.id} />
      <div class="thread-column">
        <ThreadView messages={thread.messages} pending={thread.pending} summary={s} meId={me.id} />
        <TypingLine id={thread.id} visitorName={displayName(s)} />
        <Composer key={thread.id} summary={s} online={online} me={me} />
      </div>
      <ContactPanel summary={s} online={online} />
    </section>
  );
}

/** What the conversation pane says before one is chosen: what to do next, and the keys that do it. */
export function NoConversation() {
  return (
    <section class="conversation placeholder" aria-label={t.pickConversation}>
      <div class="empty-state">
        <Icon name="inbox" class="empty-icon" />
        <p class="empty-title">{t.pickConversation}</p>
        <p>{t.pickHint}</p>
        <h2>{t.shortcutsTitle}</h2>
        <dl class="shortcuts">
          {t.shortcutList.map(([keys, what]) => (
            <>
              <dt>
                <kbd>{keys}</kbd>
              </dt>
              <dd>{what}</dd>
            </>
          ))}
        </dl>
      </div>
    </section>
  );
}
