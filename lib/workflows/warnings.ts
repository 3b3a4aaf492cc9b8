import { WARNINGS_MAX } from "./limits";

/** The warning list of an Argo import or export: each warning once, at most WARNINGS_MAX of them. */

export const TOO_MANY_WARNINGS_MESSAGE = `There are more than ${WARNINGS_MAX} warnings; the rest were left out.`;

/**
 * Appends `warning` unless a warning with the same `key` is there. The warning after the first
 * WARNINGS_MAX is replaced by `tooMany` and later ones are dropped, so reporting costs nothing more.
 */
export function appendWarning<T>(warnings: T[], seen: Set<string>, key: string, warning: T, tooMany: T): void {
  if (warnings.length > WARNINGS_MAX || seen.has(key)) return;
  seen.add(key);
  warnings.push(warnings.length === WARNINGS_MAX ? tooMany : warning);
}
