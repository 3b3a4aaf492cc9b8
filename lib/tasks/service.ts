import { and, eq, inArray, or, sql, type SQL } from "drizzle-orm";
import type { z } from "zod";
import { database, type Database } from "@/db/client";
import { appAdmins, bucketGrants, GRANT_LEVELS, tasks } from "@/db/schema";
import { BUCKET_LEVEL_ACTIONS } from "@/lib/access/actions";
import { authorize, isPlatformAdmin } from "@/lib/access/policy";
import { recordAudit } from "@/lib/audit/service";
import type { Principal } from "@/lib/auth/principal";
import { enqueue } from "@/lib/engine/local/queue";
import { AppError, notFound } from "@/lib/errors";
import { encodeCursor, newestFirst } from "@/lib/http/cursor";
import { isUuid, parseInput } from "@/lib/validation";
import type { TaskRow } from "./registry";
import { TASK_JOB } from "./enqueue";
import { listTasksQuery, type Task } from "./schema";

export function presentTask(row: TaskRow): Task {
  return {
    id: row.id,
    kind: row.kind,
    target: { type: row.targetType, id: row.targetId },
    state: row.state,
    attempts: row.attempts,
    maxAttempts: row.maxAttempts,
    progress: row.progress,
    progressMessage: row.progressMessage,
    error: row.error,
    result: row.result ?? null,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

/** Grant levels that let their holder change a bucket's grants, and so follow the tasks that write them. */
const BUCKET_MANAGING_LEVELS = GRANT_LEVELS.filter((level) => BUCKET_LEVEL_ACTIONS[level].includes("bucket.update"));

/**
 * The tasks a caller may see: a platform admin all of the tenant's; a person those of the apps they
 * administer, of their own cloud identity, and of grants on buckets they manage. Tasks of other
 * kinds of target are the platform admins' alone.
 */
function visibleTasks(p: Principal): SQL | undefined {
  const tenant = eq(tasks.tenantId, p.tenantId);
  if (isPlatformAdmin(p)) return tenant;
  if (p.kind !== "user") return and(tenant, sql`false`);
  const administeredApps = sql`select ${appAdmins.appId}::text from ${appAdmins} where ${appAdmins.userId} = ${p.id}`;
  const managedBuckets = sql`select ${bucketGrants.bucketId}::text from ${bucketGrants}
    where ${bucketGrants.principalKind} = 'user' and ${bucketGrants.principalId} = ${p.id} and ${bucketGrants.revokedAt} is null
      and ${inArray(bucketGrants.level, BUCKET_MANAGING_LEVELS)}`;
  return and(
    tenant,
    or(
      and(eq(tasks.targetType, "app"), sql`${tasks.targetId} in (${administeredApps})`),
      and(eq(tasks.targetType, "user"), eq(tasks.targetId, p.id)),
      sql`${tasks.payload}->>'bucketId' in (${managedBuckets})`,
    ),
  );
}

const pages = newestFirst(tasks.createdAt, tasks.id);

/** Tasks the caller may see, newest first: a platform admin's all of the tenant's, others' those of objects they may read. */
export async function listTasks(p: Principal, input: z.input<typeof listTasksQuery>) {
  const query = parseInput(listTasksQuery, input);
  authorize(p, "task.list", { tenantId: p.tenantId });
  const db = await database();
  const rows = await db
    .select({ task: tasks, key: pages.key })
    .from(tasks)
    .where(
      and(
        visibleTasks(p),
        query.state ? eq(tasks.state, query.state) : undefined,
        query.targetType ? eq(tasks.targetType, query.targetType) : undefined,
        query.targetId ? eq(tasks.targetId, query.targetId) : undefined,
        query.cursor ? pages.after(query.cursor) : undefined,
      ),
    )
    .orderBy(...pages.orderBy)
    .limit(query.limit + 1);
  const items = rows.slice(0, query.limit);
  return { items: items.map(({ task }) => presentTask(task)), nextCursor: rows.length > query.limit ? encodeCursor(items[items.length - 1].key) : null };
}

/** Whose pending tasks a page shows: an object's (an app, a user), or those of the grants on a bucket. */
export type PendingFilter = { targetType: string; targetId?: string } | { bucketId: string };

const UNFINISHED = ["queued", "running", "failed"] as const;

/** Tasks that have not succeeded yet (queued, running or failed), oldest first: for an object's page. Callers check access to the object. */
export async function pendingTasks(p: Principal, filter: PendingFilter): Promise<Task[]> {
  const of =
    "bucketId" in filter
      ? sql`${tasks.payload}->>'bucketId' = ${filter.bucketId}`
      : and(eq(tasks.targetType, filter.targetType), filter.targetId === undefined ? undefined : eq(tasks.targetId, filter.targetId));
  const db = await database();
  const rows = await db
    .select()
    .from(tasks)
    .where(and(visibleTasks(p), of, inArray(tasks.state, UNFINISHED)))
    .orderBy(tasks.createdAt, tasks.seq);
  return rows.map(presentTask);
}

/** The tasks not succeeded yet of each of these objects, oldest first, for those who may see the objects (callers check that). */
export async function unfinishedTasksOf(db: Pick<Database, "select">, targetType: string, targetIds: string[]): Promise<Map<string, Task[]>> {
  const byTarget = new Map<string, Task[]>();
  if (targetIds.length === 0) return byTarget;
  const rows = await db
    .select()
    .from(tasks)
    .where(and(eq(tasks.targetType, targetType), inArray(tasks.targetId, targetIds), inArray(tasks.state, UNFINISHED)))
    .orderBy(tasks.createdAt, tasks.seq);
  for (const row of rows) byTarget.set(row.targetId, [...(byTarget.get(row.targetId) ?? []), presentTask(row)]);
  return byTarget;
}

async function loadTask(p: Principal, id: string): Promise<TaskRow> {
  if (!isUuid(id)) throw notFound("task");
  const db = await database();
  const [row] = await db
    .select()
    .from(tasks)
    .where(and(visibleTasks(p), eq(tasks.id, id)));
  if (!row) throw notFound("task");
  return row;
}

export async function getTask(p: Principal, input: { id: string }): Promise<Task> {
  authorize(p, "task.list", { tenantId: p.tenantId });
  return presentTask(await loadTask(p, input.id));
}

/** Runs a failed task again from its first attempt (its handler is idempotent and converges on the current state). */
export async function retryTask(p: Principal, input: { id: string }): Promise<Task> {
  authorize(p, "task.retry", { tenantId: p.tenantId });
  const row = await loadTask(p, input.id);
  if (row.state !== "failed") throw new AppError(409, "task_not_failed", `Only a failed task can be retried; this one is ${row.state}.`);
  const db = await database();
  return db.transaction(async (tx) => {
    const [queued] = await tx
      .update(tasks)
      .set({ state: "queued", attempts: 0, progress: 0, progressMessage: "", error: null, finishedAt: null })
      .where(and(eq(tasks.id, row.id), eq(tasks.state, "failed")))
      .returning();
    if (!queued) throw new AppError(409, "task_not_failed", "The task is being retried already.");
    await enqueue(tx, [{ kind: TASK_JOB, tenantKey: row.tenantId, payload: { taskId: row.id } }]);
    await recordAudit(tx, p, { action: "task.retry", targetType: "task", targetId: row.id, before: { state: row.state, error: row.error } });
    return presentTask(queued);
  });
}
