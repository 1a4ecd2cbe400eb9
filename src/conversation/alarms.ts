import type { ConversationState } from "./storage";

/**
 * One of the object's timers: when it is next due (null: nothing pending), and what it does when the
 * alarm rings (it checks for itself whether it has work: the alarm may ring for another timer).
 */
export interface Timer {
  due(s: ConversationState, at: number): number | null;
  fire(at: number): void | Promise<void>;
}

/**
 * A Durable Object has one alarm; the conversation multiplexes named timers on it. The alarm is set
 * only while some timer has work (each firing wakes and bills the object), to the earliest one.
 */
export class Alarms<Name extends string> {
  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly timers: Record<Name, Timer>,
  ) {}

  /** Lets every timer act, then sets the alarm for what remains. */
  async run(read: () => ConversationState | null, at: number): Promise<void> {
    if (!read()) return;
    for (const timer of Object.values<Timer>(this.timers)) await timer.fire(at);
    await this.schedule(read(), at);
  }

  async schedule(s: ConversationState | null, at: number): Promise<void> {
    const due = s
      ? Object.values<Timer>(this.timers)
          .map((t) => t.due(s, at))
          .filter((d): d is number => d !== null)
      : [];
    const current = await this.storage.getAlarm();
    if (due.length === 0) {
      if (current !== null) await this.storage.deleteAlarm();
      return;
    }
    const next = Math.min(...due);
    if (current === null || next < current) await this.storage.setAlarm(next);
  }
}
