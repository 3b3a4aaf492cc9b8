import type { tasks } from "@/db/schema";

export type TaskRow = typeof tasks.$inferSelect;

/** What a task's handler can do while it runs: report progress, notice it should stop. */
export type TaskContext = { progress: (percent: number, message?: string) => Promise<void>; signal: AbortSignal };

/** A task's work. It must be idempotent: a retry (after a failure, or after its worker died) runs it again. */
export type TaskHandler = (task: TaskRow, ctx: TaskContext) => Promise<Record<string, unknown> | void>;

/** Thrown by a handler for failures a retry cannot fix (a bad request, access denied): the task fails at once. */
export class PermanentTaskError extends Error {}

const handlers = new Map<string, TaskHandler>();

/** Domains register their task kinds at import (e.g. `defineTask("app.create", …)` in lib/apps). */
export function defineTask(kind: string, handler: TaskHandler) {
  handlers.set(kind, handler);
}

export function taskHandler(kind: string): TaskHandler | undefined {
  return handlers.get(kind);
}
