import { problemCode } from "./check";
import type { Answer } from "./send";

/** Answers counted by operation, status and problem code, with the slowest: how deep and how close a fuzz run got. */
export class Tally {
  private readonly counts = new Map<string, { keys: Map<string, number>; slowestMs: number }>();

  add(operation: string, answer: Answer) {
    const code = problemCode(answer);
    const key = answer.declined ? "declined" : `${answer.status}${typeof code === "string" ? ` ${code}` : ""}`;
    const entry = this.counts.get(operation) ?? { keys: new Map<string, number>(), slowestMs: 0 };
    entry.keys.set(key, (entry.keys.get(key) ?? 0) + 1);
    entry.slowestMs = Math.max(entry.slowestMs, answer.ms);
    this.counts.set(operation, entry);
  }

  lines(): string[] {
    return [...this.counts].map(([operation, { keys, slowestMs }]) => {
      const sorted = [...keys].sort(([a], [b]) => a.localeCompare(b));
      return `${operation}: ${sorted.map(([key, n]) => `${key} ×${n}`).join(", ")}; slowest ${Math.round(slowestMs)} ms`;
    });
  }
}
