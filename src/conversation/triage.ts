/**
 * What agents do to a conversation besides answering it (S31, S35, S36): assign, label, snooze. Each
 * is a change to the conversation with an agent-only event (S33's rules) in the same transaction,
 * recorded through the room's one `record`.
 */
import type { AgentRef, Author, Message } from "../protocol";
import type { RoomHandle } from "./doors";

/** Snoozing is for a time ahead, within a year. */
export const MAX_SNOOZE_MS = 366 * 24 * 60 * 60 * 1000;

/**
 * S31: the conversation's owner changes. Null when the assignee was already that one, or when
 * auto-assignment (S32, author "system") finds it owned or closed by now.
 */
export function assign(room: RoomHandle, to: AgentRef | null, by: Author, at: number): Message | null {
  const { assignee: before, status } = room.state();
  if ((before?.id ?? null) === (to?.id ?? null)) return null;
  if (by.kind === "system" && (before || status !== "open")) return null;
  const who = by.name ?? "Auto-assignment";
  const text = !to
    ? `${who} unassigned ${before!.name}`
    : by.id === to.id
      ? `${who} took this`
      : `${who} assigned this to ${to.name}`;
  return room.record(
    { kind: "event", clientId: null, author: by, text, event: { type: "assigned", to } },
    { assignee: to ? JSON.stringify(to) : null, assigned_at: to ? at : null },
  );
}

/** S35: the conversation's labels become `labelIds` (already checked to exist). Null: no change. */
export function setLabels(room: RoomHandle, labelIds: string[], by: Author): Message | null {
  const before = room.state().labels;
  const next = [...new Set(labelIds)].sort();
  const added = next.filter((l) => !before.includes(l));
  const removed = before.filter((l) => !next.includes(l));
  if (added.length === 0 && removed.length === 0) return null;
  return room.record(
    {
      kind: "event",
      clientId: null,
      author: by,
      text: `${by.name ?? "Someone"} changed the labels`,
      event: { type: "labelled", added, removed },
    },
    { labels: JSON.stringify(next) },
  );
}

export type SnoozeResult =
  | { ok: true; event: Message | null }
  | { ok: false; code: "conversation_complete"; reason: string };

/**
 * S36: sets an open conversation aside until `until` (null: brings it back now). It wakes on its own
 * at that time (the room's alarm), or when the customer writes, unread and on top.
 */
export function snooze(room: RoomHandle, until: number | null, by: Author): SnoozeResult {
  const s = room.state();
  if (until !== null && s.status !== "open")
    return {
      ok: false,
      code: "conversation_complete",
      reason: "A completed conversation cannot be snoozed; reopen it first",
    };
  if (s.snoozedUntil === until) return { ok: true, event: null };
  const text = until === null ? `${by.name ?? "Snooze"} ended the snooze` : `${by.name ?? "Someone"} snoozed this`;
  return {
    ok: true,
    event: room.record(
      { kind: "event", clientId: null, author: by, text, event: { type: "snoozed", until } },
      { snoozed_until: until },
    ),
  };
}

/** S36: the snooze is over: back in the lists, unread, on top. */
export function wake(room: RoomHandle, at: number): Message | null {
  const s = room.state();
  if (s.snoozedUntil === null || s.snoozedUntil > at) return null;
  const by: Author = { kind: "system", id: null, name: null };
  return room.record(
    { kind: "event", clientId: null, author: by, text: "The snooze ended", event: { type: "snoozed", until: null } },
    { snoozed_until: null, read: 0, last_message_at: at },
  );
}
