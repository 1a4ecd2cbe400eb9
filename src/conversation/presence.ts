import type { Env } from "../env";

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
