/**
 * The current time in epoch milliseconds. Everything that depends on time reads it here,
 * so tests can move time instead of waiting for it.
 */
let offsetMs = 0;

export function now(): number {
  return Date.now() + offsetMs;
}

/** Tests only: shift the clock forward (or back) by `ms`; `resetClock()` undoes it. */
export function advanceClock(ms: number): void {
  offsetMs += ms;
}

export function resetClock(): void {
  offsetMs = 0;
}
