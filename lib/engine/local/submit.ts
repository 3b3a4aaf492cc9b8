import { and, eq, isNull, sql } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import type { Database } from "@/db/client";
import { executePrepared } from "@/db/prepared";
import { fromJsonRow, insertFromJson } from "@/db/rows";
import { jobs, runs, runSteps, workflows, workflowVersions } from "@/db/schema";
import { jobRow, WAKE_CHANNEL, type NewJob } from "./queue";
import type { Ctx, NewStepRow, RunRow, StepRow } from "./transitions";

export type NewRun = Pick<RunRow, "tenantId" | "workspaceId" | "workflowId" | "workflowName" | "workflowVersion" | "inputs" | "trigger" | "triggerRef" | "startedByKind" | "startedById" | "startedByName"> &
  Partial<Pick<RunRow, "id" | "parentRunId" | "parentStepId" | "rootRunId" | "retryOf" | "reuseRunId">>;

/** The database or a transaction. */
export type RunExecutor = Pick<Database, "insert" | "execute">;
/** Rows inserted in the same statement as the run (its audit entry). */
export type Alongside = { table: PgTable; rows: Record<string, unknown>[] };
/**
 * How a new run starts: its top level's steps are created with it (those with nothing upstream
 * queued for any worker, and the run running), or a job starts it, or its engine picks it up.
 */
export type RunStart = { steps: NewStepRow[] } | { job: NewJob } | { engine: "argo" };

/**
 * Records a new run in one statement, atomic without a transaction: the run, how it starts, and
 * what goes `alongside` it. The other workers are woken (NOTIFY) when it queued jobs; this
 * process's engine by the provider's `submitted`.
 */
export async function recordRun(executor: RunExecutor, values: NewRun, start: RunStart, alongside: Alongside[] = []): Promise<{ run: RunRow; steps: StepRow[] }> {
  const id = values.id ?? crypto.randomUUID();
  const steps = "steps" in start ? start.steps.map((step) => ({ ...step, runId: id })) : [];
  const queues = !("engine" in start);
  const run = { ...values, id, rootRunId: values.rootRunId ?? id, engine: queues ? "local" : start.engine, ...(steps.length > 0 ? { state: "running" as const, remaining: steps.length } : { state: "queued" as const }) };
  const parts = [sql`run as (${insertFromJson(runs, [run], steps.length > 0 ? { startedAt: sql`clock_timestamp()` } : {})})`];
  if (steps.length > 0) {
    parts.push(
      sql`steps as (${insertFromJson(runSteps, steps)})`,
      sql`queued as (
        insert into jobs (kind, tenant_key, payload)
        select 'step', ${values.tenantId}, jsonb_build_object('stepId', id, 'runId', run_id) from steps where state = 'queued'
        returning id)`,
    );
  }
  if ("job" in start) parts.push(sql`queued as (${executor.insert(jobs).values(jobRow(start.job)).returning({ id: jobs.id }).getSQL()})`);
  alongside.forEach(({ table, rows }, i) => parts.push(sql`${sql.raw(`alongside${i}`)} as (${insertFromJson(table, rows)})`));
  if (queues) parts.push(sql`wake as (select pg_notify(${WAKE_CHANNEL}, '') where exists (select 1 from queued))`);
  const statement = sql`with ${sql.join(parts, sql`, `)}
    select (select to_json(run) from run) as run, ${steps.length > 0 ? sql`(select json_agg(steps order by id) from steps)` : sql`null`} as steps${queues ? sql`, (select count(*) from wake) as woken` : sql``}`;
  type Row = { run: Record<string, unknown>; steps: Record<string, unknown>[] | null };
  const { rows } = await executePrepared<Row>(executor, statement);
  return { run: fromJsonRow(runs, rows[0].run), steps: (rows[0].steps ?? []).map((row) => fromJsonRow(runSteps, row)) };
}

/** The job that starts a queued run on a worker. */
export function runStartJob(run: Pick<RunRow, "id" | "tenantId">): NewJob {
  return { kind: "run.start", tenantKey: run.tenantId, payload: { runId: run.id }, uniqueKey: `run.start:${run.id}` };
}

/** A `workflow` step's run of the version it calls, linked to its parent and root run. */
export async function submitChildRun(ctx: Ctx, parentRun: RunRow, row: StepRow, call: { workflow: string; version: number }, inputs: Record<string, unknown>): Promise<string> {
  const [callee] = await ctx.tx
    .select({ id: workflows.id, name: workflows.name })
    .from(workflows)
    .innerJoin(workflowVersions, and(eq(workflowVersions.workflowId, workflows.id), eq(workflowVersions.version, call.version)))
    .where(and(eq(workflows.workspaceId, parentRun.workspaceId), eq(workflows.name, call.workflow), isNull(workflows.deletedAt)));
  if (!callee) throw new Error(`workflow "${call.workflow}" v${call.version} no longer exists`);
  const childId = crypto.randomUUID();
  const { run: child } = await recordRun(ctx.tx, {
    id: childId,
    tenantId: parentRun.tenantId,
    workspaceId: parentRun.workspaceId,
    workflowId: callee.id,
    workflowName: callee.name,
    workflowVersion: call.version,
    inputs,
    trigger: parentRun.trigger,
    triggerRef: parentRun.triggerRef,
    startedByKind: parentRun.startedByKind,
    startedById: parentRun.startedById,
    startedByName: parentRun.startedByName,
    parentRunId: parentRun.id,
    parentStepId: row.id,
    rootRunId: parentRun.rootRunId,
  }, { job: runStartJob({ id: childId, tenantId: parentRun.tenantId }) });
  ctx.queued = true;
  await ctx.tx.update(runSteps).set({ childRunId: child.id }).where(eq(runSteps.id, row.id));
  return child.id;
}
