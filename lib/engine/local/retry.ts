import { goDurationParts } from "@/lib/workflows/duration";
import type { Step } from "@/lib/workflows/model";

const UNIT_MS = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/** "30s", "1m30s", "500ms", or plain seconds ("10") as Argo allows in backoff durations. */
export function durationMs(text: string | undefined): number | undefined {
  if (!text) return undefined;
  if (/^\d{1,9}$/.test(text)) return Number(text) * 1000;
  const parts = goDurationParts(text);
  return parts ? parts.reduce((total, part) => total + part.amount * UNIT_MS[part.unit], 0) : undefined;
}

/** How an attempt ended: a failure of the step itself, or an error around it (timeout, lost worker, spawn). */
export type FailureKind = "failure" | "error";

/** The delay before the next attempt, or undefined when the step's retry policy allows none. */
export function retryDelay(step: Pick<Step, "retry">, attemptsSoFar: number, kind: FailureKind, firstStartedAt: Date): number | undefined {
  const policy = step.retry;
  if (!policy || attemptsSoFar > policy.limit) return undefined;
  const retries = policy.on === "Always" || (policy.on === "OnFailure" && kind === "failure") || ((policy.on === "OnError" || policy.on === "OnTransientError") && kind === "error");
  if (!retries) return undefined;
  const base = durationMs(policy.backoff?.duration) ?? 0;
  const delay = base * (policy.backoff?.factor ?? 1) ** (attemptsSoFar - 1);
  const max = durationMs(policy.backoff?.maxDuration);
  if (max !== undefined && Date.now() + delay - firstStartedAt.getTime() > max) return undefined;
  return Math.min(delay, 24 * 3_600_000);
}
