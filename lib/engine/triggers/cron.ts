import { Cron } from "croner";

/** What decides a schedule's slots: a cron expression in an IANA time zone, between optional start and end. */
export type CronSpec = { cron: string; timezone: string; startAt: Date | null; endAt: Date | null };

const NICKNAME = /^@(yearly|annually|monthly|weekly|daily|hourly)$/;
const LOOKAHEAD_GUARD = 1_000;

/**
 * The time zone's canonical IANA name ("europe/berlin" → "Europe/Berlin"), or undefined when there is
 * no such zone. Fixed offsets ("+01:00") are refused: they ignore daylight saving, which is what a
 * zone is for.
 */
export function canonicalTimezone(name: string): string | undefined {
  if (!/^[A-Za-z][A-Za-z0-9_+/-]*$/.test(name)) return undefined;
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/**
 * Why a cron expression is not accepted, or undefined: five fields (minute, hour, day of month, month,
 * day of week, with croner's extensions such as `L` and `#`) or a nickname like `@daily`. Seconds are
 * not offered: a run every second is not a schedule.
 */
export function cronProblem(cron: string): string | undefined {
  const fields = cron.trim().split(/\s+/);
  if (!NICKNAME.test(cron.trim()) && fields.length !== 5) return "five fields (minute hour day-of-month month day-of-week) or @hourly, @daily, @weekly, @monthly, @yearly";
  try {
    new Cron(cron.trim(), { timezone: "UTC" });
  } catch (error) {
    return (error as Error).message.replace(/^CronPattern: /, "");
  }
  return undefined;
}

function pattern(spec: Pick<CronSpec, "cron" | "timezone">): Cron {
  return new Cron(spec.cron.trim(), { timezone: spec.timezone });
}

/**
 * The first slot strictly after `after` (and not before the start, not after the end), or null.
 * In the hour repeated when clocks go back a time fires once (the first time); a time skipped when
 * they go forward fires just after the gap (02:30 → 03:30) — croner's rules.
 */
export function slotAfter(spec: CronSpec, after: Date): Date | null {
  const cron = pattern(spec);
  let from = spec.startAt && spec.startAt.getTime() - 1 > after.getTime() ? new Date(spec.startAt.getTime() - 1) : after;
  for (let guard = 0; guard < LOOKAHEAD_GUARD; guard++) {
    const next = cron.nextRun(from);
    if (!next || (spec.endAt && next > spec.endAt)) return null;
    // croner answers whole seconds; a start inside a second, or an answer not after `from`, moves on
    if (next > from && (!spec.startAt || next >= spec.startAt)) return next;
    from = next > from ? next : new Date(from.getTime() + 1_000);
  }
  return null;
}

/** The latest slot at or before `instant` (within the start and end), or null. */
export function slotAtOrBefore(spec: CronSpec, instant: Date): Date | null {
  const bound = spec.endAt && spec.endAt < instant ? spec.endAt : instant;
  const [latest] = pattern(spec).previousRuns(1, new Date(bound.getTime() + 1_000));
  if (!latest || latest > bound || (spec.startAt && latest < spec.startAt)) return null;
  return latest;
}

/** The next `count` slots after `after`. */
export function nextSlots(spec: CronSpec, after: Date, count: number): Date[] {
  const slots: Date[] = [];
  let from = after;
  while (slots.length < count) {
    const next = slotAfter(spec, from);
    if (!next) break;
    slots.push(next);
    from = next;
  }
  return slots;
}
