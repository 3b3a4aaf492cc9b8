/**
 * The time schedules live in. Production reads the system clock; tests put in a clock they move by
 * hand, so slots across a daylight-saving change or after a long downtime come when a test says.
 * `dueAt` is when an instant of this clock is due on the queue (whose claims compare with the
 * database's clock): the instant itself, except for a clock that is not the system's.
 */
export type Clock = { now(): Date; dueAt(instant: Date): Date };

const systemClock: Clock = { now: () => new Date(), dueAt: (instant) => instant };
let current = systemClock;

export const clock = (): Clock => current;

/** Tests only: schedules read `replacement` (none: the system clock again). */
export function useClock(replacement?: Clock) {
  current = replacement ?? systemClock;
}
