import { and, eq, getTableName, isNull, sql } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import { database, type Database } from "@/db/client";
import { Batcher } from "@/db/batcher";
import { executePrepared, preparedQueries } from "@/db/prepared";
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

/** A new run as it is written: its row, how it starts, and the rows that go alongside it. */
type RunRecord = { run: typeof runs.$inferInsert & { id: string }; steps: NewStepRow[]; start: RunStart; alongside: Alongside[] };
type Recorded = { run: RunRow; steps: StepRow[] };

/**
 * Records a new run in one statement, atomic without a transaction: the run, how it starts, and
 * what goes `alongside` it. The other workers are woken (NOTIFY) when it queued jobs; this
 * process's engine by the provider's `submitted`. Outside a transaction, runs started at the same
 * time share their statement (group commit, `Batcher`): under a burst of starts each costs a share of one
 * round trip and one commit.
 */
export async function recordRun(executor: RunExecutor, values: NewRun, start: RunStart, alongside: Alongside[] = []): Promise<Recorded> {
  const id = values.id ?? crypto.randomUUID();
  const steps = "steps" in start ? start.steps.map((step) => ({ ...step, runId: id })) : [];
  const engine = "engine" in start ? start.engine : "local";
  const run = { ...values, id, rootRunId: values.rootRunId ?? id, engine, ...(steps.length > 0 ? { state: "running" as const, remaining: steps.length } : { state: "queued" as const }) };
  const record = { run, steps, start, alongside };
  if (executor !== (await database()) || "job" in start) return (await writeRuns(executor, [record]))[0];
  return (await groupCommit()).add(record);
}

const groupCommit = preparedQueries((db) => new Batcher((records: RunRecord[]) => writeRuns(db, records), shapeOf));

const columnsOf = (row: object) => Object.keys(row).filter((key) => (row as Record<string, unknown>)[key] !== undefined).join();

/** Records that one statement can write together: the same columns in every table, the same start. */
function shapeOf({ run, steps, start, alongside }: RunRecord): string {
  const stepColumns = [...new Set(steps.map(columnsOf))];
  return JSON.stringify(["engine" in start ? start.engine : "steps", columnsOf(run), stepColumns, alongside.map(({ table, rows }) => [getTableName(table), ...new Set(rows.map(columnsOf))])]);
}

/** One statement for `records`, all of one shape (a `job` start only alone); their runs and steps in their order. */
async function writeRuns(executor: RunExecutor, records: RunRecord[]): Promise<Recorded[]> {
  const [{ start, alongside }] = records;
  const steps = records.flatMap((record) => record.steps);
  const queues = !("engine" in start);
  const parts = [sql`run as (${insertFromJson(runs, records.map((record) => record.run), steps.length > 0 ? { startedAt: sql`clock_timestamp()` } : {})})`];
  if (steps.length > 0) {
    parts.push(
      sql`steps as (${insertFromJson(runSteps, steps)})`,
      sql`queued as (
        insert into jobs (kind, tenant_key, payload)
        select 'step', run.tenant_id, jsonb_build_object('stepId', steps.id, 'runId', steps.run_id) from steps join run on run.id = steps.run_id where steps.state = 'queued'
        returning id)`,
    );
  }
  if ("job" in start) parts.push(sql`queued as (${executor.insert(jobs).values(jobRow(start.job)).returning({ id: jobs.id }).getSQL()})`);
  alongside.forEach(({ table }, i) => parts.push(sql`${sql.raw(`alongside${i}`)} as (${insertFromJson(table, records.flatMap((record) => record.alongside[i].rows))})`));
  if (queues) parts.push(sql`wake as (select pg_notify(${WAKE_CHANNEL}, '') where exists (select 1 from queued))`);
  const statement = sql`with ${sql.join(parts, sql`, `)}
    select (select json_agg(run) from run) as runs, ${steps.length > 0 ? sql`(select json_agg(steps order by id) from steps)` : sql`null`} as steps${queues ? sql`, (select count(*) from wake) as woken` : sql``}`;
  type Row = { runs: Record<string, unknown>[]; steps: Record<string, unknown>[] | null };
  const { rows } = await executePrepared<Row>(executor, statement);
  const written = new Map(rows[0].runs.map((json) => [json.id as string, fromJsonRow(runs, json)]));
  const stepsOf = new Map<string, StepRow[]>(records.map((record) => [record.run.id, []]));
  for (const json of rows[0].steps ?? []) {
    const step = fromJsonRow(runSteps, json);
    stepsOf.get(step.runId)!.push(step);
  }
  return records.map((record) => ({ run: written.get(record.run.id)!, steps: stepsOf.get(record.run.id)! }));
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
