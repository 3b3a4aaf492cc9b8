/** Go durations as Argo writes them ("10s", "1m30s", "1.5h"), read in one pass without a backtracking regex. */

/** Two-letter units first, so that "1ms" reads as milliseconds, not minutes and a stray "s". */
const UNITS = ["ns", "us", "µs", "ms", "s", "m", "h"] as const;
export type DurationUnit = (typeof UNITS)[number];
export type DurationPart = { amount: number; unit: DurationUnit };

/** The parts of a duration such as "1m30s", or undefined when the text is not one (plain "10" included). */
export function goDurationParts(text: string): DurationPart[] | undefined {
  const parts: DurationPart[] = [];
  let at = 0;
  while (at < text.length) {
    const start = at;
    at = skipDigits(text, at);
    if (at === start) return undefined;
    if (text[at] === ".") {
      const fraction = at + 1;
      at = skipDigits(text, fraction);
      if (at === fraction) return undefined;
    }
    const amount = Number(text.slice(start, at));
    const unit = UNITS.find((candidate) => text.startsWith(candidate, at));
    if (!unit) return undefined;
    at += unit.length;
    parts.push({ amount, unit });
  }
  return parts.length > 0 ? parts : undefined;
}

function skipDigits(text: string, from: number): number {
  let at = from;
  while (at < text.length && text.charCodeAt(at) >= 0x30 && text.charCodeAt(at) <= 0x39) at++;
  return at;
}
