import { and, eq, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { tasks } from "@/db/schema";
import { enqueue } from "@/lib/engine/local/queue";
import type { TaskRow } from "./registry";

/** Kept apart from the runner (and its worker) so that services the engine imports can queue tasks without an import cycle. */
export const TASK_JOB = "task";

type Tx = Pick<Database, "select" | "insert" | "execute">;

/**
 * Queues a task in the caller's transaction: after every earlier task of its target (`seq`), run by
 * any worker from the job queue.
 */
export async function enqueueTask(tx: Tx, input: { tenantId: string; kind: string; targetType: string; targetId: string; payload?: Record<string, unknown>; createdBy: string; maxAttempts?: number }): Promise<TaskRow> {
  // Serialises the numbering of one target's tasks.
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`${input.targetType}:${input.targetId}`}))`);
  const [{ next }] = await tx
    .select({ next: sql<number>`coalesce(max(${tasks.seq}), 0) + 1` })
    .from(tasks)
    .where(and(eq(tasks.targetType, input.targetType), eq(tasks.targetId, input.targetId)));
  const [task] = await tx
    .insert(tasks)
    .values({
      tenantId: input.tenantId,
      kind: input.kind,
      targetType: input.targetType,
      targetId: input.targetId,
      seq: next,
      payload: input.payload ?? {},
      createdBy: input.createdBy,
      maxAttempts: input.maxAttempts ?? 5,
    })
    .returning();
  await enqueue(tx, [{ kind: TASK_JOB, tenantKey: input.tenantId, payload: { taskId: task.id } }]);
  return task;
}
