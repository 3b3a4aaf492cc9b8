import { and, eq, lt, notInArray, sql } from "drizzle-orm";
import { database } from "@/db/client";
import { jobs, tasks } from "@/db/schema";
import { registerJobHandler } from "@/lib/engine/local/worker";
import { TASK_JOB } from "./enqueue";
import { PermanentTaskError, taskHandler } from "./registry";

const BACKOFF_MS = { first: 2_000, max: 5 * 60_000 };
/** While an earlier task of the same object has not finished, a task waits this long and looks again. */
const ORDER_WAIT_MS = 1_000;

async function setJobRunAt(jobId: number, delayMs: number) {
  const db = await database();
  await db.update(jobs).set({ runAt: sql`now() + make_interval(secs => ${delayMs / 1000})`, lockedBy: null, lockedUntil: null }).where(eq(jobs.id, jobId));
}

/** Runs one task job: in order, with progress, retried with backoff on failures that may pass. */
async function runTaskJob(jobId: number, taskId: string, signal: AbortSignal): Promise<void> {
  const db = await database();
  const [task] = await db.select().from(tasks).where(eq(tasks.id, taskId));
  if (!task || task.state === "succeeded" || task.state === "failed") return;
  const [earlier] = await db
    .select({ id: tasks.id })
    .from(tasks)
    .where(and(eq(tasks.targetType, task.targetType), eq(tasks.targetId, task.targetId), lt(tasks.seq, task.seq), notInArray(tasks.state, ["succeeded", "failed"])))
    .limit(1);
  if (earlier) {
    await setJobRunAt(jobId, ORDER_WAIT_MS);
    return;
  }
  const handler = taskHandler(task.kind);
  const [started] = await db
    .update(tasks)
    .set({ state: "running", attempts: sql`${tasks.attempts} + 1`, startedAt: sql`coalesce(${tasks.startedAt}, now())` })
    .where(eq(tasks.id, task.id))
    .returning();
  const progress = async (percent: number, message = "") => {
    await db.update(tasks).set({ progress: Math.max(0, Math.min(100, Math.round(percent))), progressMessage: message.slice(0, 500) }).where(eq(tasks.id, task.id));
  };
  try {
    if (!handler) throw new PermanentTaskError(`No handler for tasks of kind "${task.kind}".`);
    const result = await handler(started, { progress, signal });
    await db.update(tasks).set({ state: "succeeded", progress: 100, result: result ?? null, error: null, finishedAt: sql`now()` }).where(eq(tasks.id, task.id));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const permanent = error instanceof PermanentTaskError || started.attempts >= started.maxAttempts;
    if (permanent) {
      await db.update(tasks).set({ state: "failed", error: message.slice(0, 2000), finishedAt: sql`now()` }).where(eq(tasks.id, task.id));
      return;
    }
    await db.update(tasks).set({ state: "queued", error: message.slice(0, 2000) }).where(eq(tasks.id, task.id));
    await setJobRunAt(jobId, Math.min(BACKOFF_MS.first * 2 ** (started.attempts - 1), BACKOFF_MS.max));
  }
}

// A job put back for later has no lock any more, so the worker's delete of a finished job leaves it be.
registerJobHandler(TASK_JOB, async (job, ctx) => {
  await runTaskJob(job.id, String(job.payload.taskId), ctx.signal);
});
