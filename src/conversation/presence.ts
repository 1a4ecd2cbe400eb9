import type { Env } from "../env";
import { now } from "../lib/clock";
import { CLOSE_STALE } from "../protocol";
import { lastSeen } from "./room-sockets";
import { type ConversationState, readState, updateConversation } from "./storage";

/**
 * S3 timings. `graceMs`: how long a visitor stays online after the last page closed cleanly (moving
 * between pages must not flicker). `staleMs`: a socket silent this long (no frame, no keep-alive ping)
 * is a vanished tab. `sweepMs`: how often, while a visitor is online, the object wakes to look for
 * those. Clients ping every PING_INTERVAL_MS, well inside `staleMs`; sweep + stale stay under 30 s.
 */
export interface PresenceTimings {
  graceMs: number;
  staleMs: number;
  sweepMs: number;
}

export function presenceTimings(env: Env): PresenceTimings {
  return {
    graceMs: Number(env.PRESENCE_GRACE_MS),
    staleMs: Number(env.PRESENCE_STALE_MS),
    sweepMs: Number(env.PRESENCE_SWEEP_MS),
  };
}

/**
 * Whether the chat visitor has a page open (S3), kept in the object's storage so it survives
 * hibernation. `changed` tells the agents and the inbox feed.
 */
export class VisitorPresence {
  constructor(
    private readonly ctx: DurableObjectState,
    private readonly timings: PresenceTimings,
    private readonly changed: (online: boolean) => void,
  ) {}

  private get sql(): SqlStorage {
    return this.ctx.storage.sql;
  }

  private liveVisitors(except?: WebSocket): WebSocket[] {
    return this.ctx.getWebSockets("visitor").filter((ws) => ws !== except && ws.readyState === WebSocket.OPEN);
  }

  arrived(s: ConversationState): void {
    if (s.visitorOfflineAt !== null) updateConversation(this.sql, { visitor_offline_at: null }, false);
    if (!s.visitorOnline) this.set(true);
  }

  /** The last page closed: stay online through the grace period, so moving between pages does not flicker. */
  left(ws: WebSocket): void {
    if (this.liveVisitors(ws).length > 0 || !readState(this.sql)?.visitorOnline) return;
    updateConversation(this.sql, { visitor_offline_at: now() + this.timings.graceMs }, false);
  }

  /** The alarm's presence timers: the end of a grace period, and the next ghost sweep while online. */
  due(s: ConversationState, at: number): number | null {
    if (s.visitorOfflineAt !== null) return s.visitorOfflineAt;
    return s.visitorOnline ? at + this.timings.sweepMs : null;
  }

  fire(at: number): void {
    const s = readState(this.sql);
    if (!s?.visitorOnline) return;
    this.sweepGhosts(at);
    const after = readState(this.sql)!;
    if (
      after.visitorOnline &&
      after.visitorOfflineAt !== null &&
      after.visitorOfflineAt <= at &&
      this.liveVisitors().length === 0
    )
      this.set(false);
  }

  /** Closes visitor sockets that stopped pinging (a killed tab, a lost network): no close frame ever comes. */
  private sweepGhosts(at: number): void {
    for (const ws of this.liveVisitors()) {
      if (at - lastSeen(this.ctx, ws) > this.timings.staleMs) {
        try {
          ws.close(CLOSE_STALE, "No keep-alive received");
        } catch {}
      }
    }
    // A vanished tab gets no grace period: it is not coming back from another page.
    if (this.liveVisitors().length === 0 && readState(this.sql)!.visitorOfflineAt === null) this.set(false);
  }

  private set(online: boolean): void {
    updateConversation(this.sql, { visitor_online: online ? 1 : 0, visitor_offline_at: null }, false);
    this.changed(online);
  }
}
