import { useEffect, useRef, useState } from "hono/jsx/dom";
import type { AgentView } from "../../../auth/agent-view";
import { type Channel, type Composing, type ConversationSummary, type Message, typedAddress } from "../../../protocol";
import { fillTags, hasTags, splitName, type TagValues } from "../../../saved-responses/tags";
import { channelProblem, messengerClosesAt, messengerWindow, preselectedChannel, replyChannels } from "../channels";
import { channelLabel } from "../format";
import { Icon } from "../icons";
import { t } from "../i18n";
import { counted } from "../state";
import { actions } from "../store";
import { teamActions } from "../team";
import { HeldReply, useDraftBase } from "./HeldReply";
import { MentionPicker, mentionQuery, useMentions } from "./MentionPicker";
import { SavedResponsesPicker } from "./SavedResponses";

/**
 * S15: while the agent keeps typing, "typing" is said again this often (the server forwards a sender's
 * typing at most once a second, and viewers let an indicator not refreshed for ~6 s fade)…
 */
const TYPING_REFRESH_MS = 2500;
/** …and a pause this long says they stopped. */
const TYPING_IDLE_MS = 3000;

/** S12: the values personalization tags take in this conversation. */
function tagValues(c: ConversationSummary, me: AgentView): TagValues {
  const contact = splitName(c.contact?.name ?? c.personName);
  const agent = splitName(me.name);
  return {
    "contact.first_name": contact.first,
    "contact.last_name": contact.last,
    "contact.email": c.contact?.email ?? null,
    "agent.name": me.name,
    "agent.first_name": agent.first,
  };
}

function channelOptionLabel(channel: Channel, disabledReason: string | null, summary: ConversationSummary): string {
  if (disabledReason) return `${channelLabel(channel)} — ${disabledReason}`;
  if (channel === "email" && typedAddress(summary))
    return `${channelLabel(channel)} — ${summary.contact!.email} (${t.unverified})`;
  return channelLabel(channel);
}

/** Tells the conversation that the agent is typing (and what), refreshed while they type, stopped on a pause. */
function useTypingSignal() {
  const state = useRef<{ sentAt: number; composing: Composing; idle?: ReturnType<typeof setTimeout> } | null>(null);
  const stop = () => {
    const current = state.current;
    if (!current) return;
    clearTimeout(current.idle);
    state.current = null;
    actions.typing(false);
  };
  const keep = (composing: Composing) => {
    const current = state.current;
    const now = Date.now();
    if (!current || current.composing !== composing || now - current.sentAt >= TYPING_REFRESH_MS) {
      // Not said (the socket is reconnecting): the next keystroke says it, not one 2.5 s later.
      if (!actions.typing(true, composing)) return;
      state.current = { sentAt: now, composing, idle: current?.idle };
    }
    clearTimeout(state.current!.idle);
    state.current!.idle = setTimeout(stop, TYPING_IDLE_MS);
  };
  // A composer that goes away (another conversation) leaves its socket, which ends the typing for the server.
  useEffect(() => () => clearTimeout(state.current?.idle), []);
  /** Says it again now: a sent reply ends its author's typing on the server, maybe after a new draft began. */
  const again = () => {
    const current = state.current;
    if (current && actions.typing(true, current.composing)) current.sentAt = Date.now();
  };
  return { keep, stop, again, active: () => state.current !== null };
}

/**
 * The reply box (S7, S11, S12): the channel, saved responses, the preview of tags, the text and Send.
 * The channel is pre-selected when the conversation opens and again when the visitor comes or goes, but
 * never under a started draft or a channel the agent picked; if that channel stops reaching the
 * conversation the composer says so, and Send asks first.
 */
export function Composer({ summary, online, me }: { summary: ConversationSummary; online: boolean; me: AgentView }) {
  counted("composer");
  const options = replyChannels(summary);
  const [channel, setChannel] = useState<Channel>(preselectedChannel(summary, online));
  const [text, setText] = useState("");
  const [picking, setPicking] = useState(false);
  const [asking, setAsking] = useState(false);
  const [notice, setNotice] = useState("");
  const [, setTick] = useState(0);
  const area = useRef<HTMLTextAreaElement>(null);
  const ask = useRef<HTMLDivElement>(null);
  const chosen = useRef(false);
  const draft = useRef("");
  draft.current = text;
  const base = useDraftBase();
  /** S38: the news a held reply had not seen; the draft waits for Send anyway or Edit. */
  const [held, setHeld] = useState<readonly Message[] | null>(null);
  const typing = useTypingSignal();
  // S33: a reply to the customer, or an internal note for agents only (`n` switches).
  const [mode, setMode] = useState<"reply" | "note">("reply");
  const note = mode === "note";
  const mentions = useMentions();
  useEffect(() => {
    const onNote = () => {
      setMode((m: "reply" | "note") => (m === "note" ? "reply" : "note"));
      area.current?.focus();
    };
    addEventListener("inbox:note", onNote);
    return () => removeEventListener("inbox:note", onNote);
  }, []);

  // Pre-select again when the visitor comes and goes or an address becomes known (S7), unless a draft
  // is started or the agent chose the channel.
  useEffect(() => {
    if (chosen.current || draft.current.trim() !== "") return;
    setChannel(preselectedChannel(summary, online));
  }, [online, summary.contact?.email ?? "", summary.contact?.verified ?? false]);

  // Messenger's window closes at a known time: show it then, not at the next unrelated render.
  const closesAt = channel === "messenger" ? messengerClosesAt(summary) : null;
  useEffect(() => {
    const wait = closesAt === null ? 0 : closesAt - Date.now();
    if (wait <= 0) return;
    const timer = setTimeout(() => setTick((n: number) => n + 1), Math.min(wait + 100, 2_000_000_000));
    return () => clearTimeout(timer);
  }, [closesAt]);

  useEffect(() => {
    if (asking) ask.current?.querySelector<HTMLButtonElement>("button")?.focus();
  }, [asking]);

  const problem = note ? null : channelProblem(summary, channel);
  const alternatives = options.filter((o) => o.channel !== channel && !channelProblem(summary, o.channel));
  const filled = hasTags(text) ? fillTags(text, tagValues(summary, me)) : null;

  const choose = (next: Channel) => {
    chosen.current = true;
    setChannel(next);
    if (typing.active()) typing.keep(next);
  };

  /** Sends the draft; on a channel that cannot reach the conversation now, asks first (`via` answers). */
  const submit = async (via?: Channel, force = false) => {
    if (!text.trim() || (filled && !filled.ok)) return;
    if (via === undefined && problem) return setAsking(true);
    setAsking(false);
    setHeld(null);
    const out = filled?.ok ? filled.text : text;
    const basedOnSeq = base.take();
    const hold = (newer: readonly Message[]) => {
      setText((current: string) => (current === "" ? text : current));
      base.keep(basedOnSeq);
      setHeld(newer);
    };
    setText("");
    setNotice("");
    typing.stop();
    if (note) {
      const ids = mentions.idsIn(out);
      mentions.reset();
      return void teamActions
        .note(summary.id, out.trim(), ids, { basedOnSeq, force })
        .catch((err: { code?: string; message?: string; newer?: Message[] }) => {
          if (err.code === "stale") return hold(err.newer ?? []);
          setText((current: string) => (current === "" ? text : current));
          setNotice(`${err.message ?? t.networkError} ${t.draftKept}`);
        });
    }
    const outcome = await actions.send(out.trim(), via ?? channel, undefined, { basedOnSeq, force });
    typing.again();
    // Posting too fast (429): the reply was not taken, so the draft comes back with the reason.
    if (!outcome.ok && outcome.rateLimited) {
      setText((current: string) => (current === "" ? text : current));
      setNotice(`${outcome.message} ${t.draftKept}`);
    }
    // S38: held; the draft comes back, still based on what the agent had seen, until they send or edit.
    if (!outcome.ok && !outcome.rateLimited && outcome.held) hold(outcome.newer);
  };
  /** S11: a saved response goes in at the cursor, replacing a "/" that opened the picker. */
  const insert = (body: string) => {
    const el = area.current!;
    const start = el.selectionStart ?? text.length;
    const end = el.selectionEnd ?? start;
    const before = text.slice(0, start).replace(/(^|\n)\/$/, "$1");
    const next = before + body + text.slice(end);
    base.edited(next);
    setText(next);
    setPicking(false);
    // Focus at once, so a key pressed right after the pick lands in the reply (the caret follows the render).
    el.focus();
    setTimeout(() => {
      el.setSelectionRange(before.length + body.length, before.length + body.length);
    }, 0);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.isComposing) return;
    if (note && mentions.onKey(e, (name) => setText(mentions.insert(area.current!, text, name)))) return;
    if (e.key === "Escape") {
      // Out of the reply box, so single-key shortcuts work again (the picker or a question closes first).
      e.preventDefault();
      if (picking) setPicking(false);
      else if (asking) setAsking(false);
      else document.getElementById("conversation-title")?.focus();
      return;
    }
    if (e.key !== "Enter" || e.shiftKey) return;
    // An email is written in lines: Enter adds one there, Ctrl/⌘+Enter sends; chat keeps Enter.
    if (!note && channel === "email" && !e.ctrlKey && !e.metaKey) return;
    e.preventDefault();
    void submit();
  };
  const reasons = options.filter((o) => o.disabledReason);

  return (
    <form
      class={`composer${note ? " note-mode" : ""}`}
      aria-label={t.composer}
      onSubmit={(e: Event) => {
        e.preventDefault();
        void submit();
      }}
    >
      <div class="composer-bar">
        <fieldset class="mode-switch" aria-label={t.replyOrNote}>
          <label class={`mode${note ? "" : " current"}`}>
            <input type="radio" name="composer-mode" checked={!note} onChange={() => setMode("reply")} />
            {t.modeReply}
          </label>
          <label class={`mode${note ? " current" : ""}`} data-testid="note-mode">
            <input type="radio" name="composer-mode" checked={note} onChange={() => setMode("note")} />
            {t.modeNote}
          </label>
        </fieldset>
        <label for="reply-channel" class={`bar-label${note ? " hidden" : ""}`}>
          {t.replyVia}
        </label>
        <select
          id="reply-channel"
          class={`select${note ? " hidden" : ""}`}
          value={channel}
          aria-describedby="channel-reasons"
          onChange={(e: Event) => choose((e.target as HTMLSelectElement).value as Channel)}
        >
          {options.map((o) => (
            <option value={o.channel} disabled={o.disabledReason !== null} selected={o.channel === channel}>
              {channelOptionLabel(o.channel, o.disabledReason, summary)}
            </option>
          ))}
        </select>
        {channel === "email" && typedAddress(summary) ? (
          <span class="badge warn" title={t.unverifiedHint}>
            {t.unverified}
          </span>
        ) : null}
        <SavedResponsesPicker
          open={picking}
          onOpen={() => setPicking(true)}
          onClose={() => {
            setPicking(false);
            area.current?.focus();
          }}
          onPick={insert}
        />
      </div>
      <div class="composer-notes">
        {problem ? (
          <p class="window channel-problem" role="alert" data-testid="channel-problem">
            <Icon name="alert" />
            {t.channelCannotReach(channelLabel(channel), problem)}
          </p>
        ) : channel === "messenger" ? (
          <p class="window">
            <Icon name="info" />
            {messengerWindow(summary)}
          </p>
        ) : null}
        <ul id="channel-reasons" class="channel-reasons" aria-label={t.channelUnavailable}>
          {reasons.map((o) => (
            <li>
              {channelLabel(o.channel)}: {o.disabledReason}
            </li>
          ))}
        </ul>
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
        <p class="composer-error" role="alert">
          {notice}
        </p>
      </div>
      {held ? (
        <HeldReply
          news={held}
          summary={summary}
          meId={me.id}
          onSend={() => void submit(undefined, true)}
          onEdit={() => {
            base.read();
            setHeld(null);
            area.current?.focus();
          }}
        />
      ) : null}
      {asking && problem ? (
        <div class="ask" role="alertdialog" aria-labelledby="ask-title" aria-describedby="ask-reason" ref={ask}>
          <p id="ask-title" class="ask-title">
            {t.sendAsk(channelLabel(channel))}
          </p>
          <p id="ask-reason">{problem}</p>
          <div class="ask-actions">
            {alternatives.map((o) => (
              <button
                type="button"
                class="button primary"
                onClick={() => {
                  choose(o.channel);
                  void submit(o.channel);
                }}
              >
                {t.sendVia(channelLabel(o.channel))}
              </button>
            ))}
            {options.find((o) => o.channel === channel)?.disabledReason ? null : (
              <button type="button" class="button" onClick={() => void submit(channel)}>
                {t.sendAnyway}
              </button>
            )}
            <button
              type="button"
              class="button ghost"
              onClick={() => {
                setAsking(false);
                area.current?.focus();
              }}
            >
              {t.cancel}
            </button>
          </div>
        </div>
      ) : null}
      <p id="composer-hint" class="visually-hidden">
        {channel === "email" ? t.composerHintEmail : t.composerHint}
      </p>
      <div class="composer-input">
        <textarea
          id="composer-text"
          class="input"
          ref={area}
          rows={2}
          aria-label={t.composer}
          aria-describedby="composer-hint"
          placeholder={note ? t.notePlaceholder : t.replyPlaceholder}
          value={text}
          onKeyDown={onKeyDown}
          onInput={(e: Event) => {
            const el = e.target as HTMLTextAreaElement;
            setText(el.value);
            base.edited(el.value);
            if (notice) setNotice("");
            // Typing "/" at the start of a line opens the saved-responses search (S11).
            const caret = el.selectionStart ?? 0;
            if (el.value[caret - 1] === "/" && (caret === 1 || el.value[caret - 2] === "\n")) setPicking(true);
            if (el.value === "") typing.stop();
            else typing.keep(note ? "note" : channel);
            if (note) mentions.query(mentionQuery(el.value, caret));
          }}
          onBlur={typing.stop}
        />
        {note ? (
          <MentionPicker state={mentions} onPick={(name) => setText(mentions.insert(area.current!, text, name))} />
        ) : null}
        <button type="submit" class="button primary send" disabled={!!filled && !filled.ok}>
          <Icon name="send" />
          <span>{t.send}</span>
        </button>
      </div>
    </form>
  );
}
