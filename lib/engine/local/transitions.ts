import { and, eq, getTableColumns, inArray, isNull, notInArray, sql } from "drizzle-orm";
import type { PgInsertValue } from "drizzle-orm/pg-core";
import type { Database } from "@/db/client";
import { fromJsonRow } from "@/db/rows";
import { executePrepared } from "@/db/prepared";
import { jobs, runs, runSteps, stepAttempts, workspaces, type StepState } from "@/db/schema";
import { TERMINAL_RUN_STATES, TERMINAL_STEP_STATES } from "@/lib/engine/runs/schema";
import type { Graph, Step, WorkflowSpec } from "@/lib/workflows/model";
import { exitHandlerStep, startExitHandler, topLevelStep } from "./exit-handler";
import { enqueue, LEASE_MS, WAKE_CHANNEL } from "./queue";
import { childKey, graphAt, itemKey, levelPlan, parseKey, topGraph } from "./plan";
import { runStartJob } from "./submit";
import { graphInputValues, resolveSource, type Scope } from "./values";

/**
 * The run state machine, in the caller's transaction. A step's result, the steps it unblocks and the
 * claim of those this worker will run next are written together: one commit per step. Counters make
 * joins safe without locking the run: `waiting_on` (unfinished upstream steps) and `remaining`
 * (unfinished children of a group, a mapped step or the run) are decremented atomically, and exactly
 * one decrement sees zero.
 */
export type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];
export type RunRow = typeof runs.$inferSelect;
export type StepRow = typeof runSteps.$inferSelect;

/** A step this worker claimed in the transaction and starts right after the commit, with its rows as the transaction left them. */
export type Started = { jobId: number; stepId: number; runId: string; loaded: { run: RunRow; row: StepRow } };

export type Ctx = {
  tx: Tx;
  worker: string;
  /** reserves a slot of this worker for a newly ready step; false: leave it to the queue */
  take: () => boolean;
  /** gives back slots reserved with `take` that were not used */
  release: (slots: number) => void;
  started: Started[];
  /** jobs were queued for any worker: wake them once the transaction commits */
  queued: boolean;
  /**
   * The work is statements committed each on its own, not a transaction (`finishesAlone`): what a
   * step's end leaves to do in a transaction it hands on as `followUp`, run once it committed.
   */
  alone: boolean;
  followUp?: (ctx: Ctx) => Promise<void>;
  loadSpec: (run: RunRow) => Promise<WorkflowSpec>;
};

export type Outcome = { state: Exclude<StepState, "pending" | "queued" | "running">; outputs?: Record<string, unknown> | null; exitCode?: number | null; error?: string | null };

const terminalRuns = TERMINAL_RUN_STATES as RunRow["state"][];
export const terminalSteps = TERMINAL_STEP_STATES as StepState[];

/** The steps of a step's level that wait on it (none for a mapped step's items). */
const downstreamOf = (graph: Graph, row: Pick<StepRow, "name" | "mapIndex">) => (row.mapIndex === null ? (levelPlan(graph).downstream.get(row.name) ?? []) : []);

/** The graph of the level a step row belongs to, and the step's definition there. */
export function stepDefinition(spec: WorkflowSpec, row: Pick<StepRow, "key">): { graph: Graph; step: Step } {
  const { groupPath, name } = parseKey(row.key);
  const graph = graphAt(spec, groupPath);
  const step = groupPath.length === 0 ? topLevelStep(spec, name) : graph.steps.find((candidate) => candidate.name === name);
  if (!step) throw new Error(`step "${row.key}" is not in this workflow version`);
  return { graph, step };
}

/** A step passes on to its downstream steps when it succeeded, was skipped, or failed with continueOnFailure. */
function passes(state: StepState, step: Step) {
  return state === "succeeded" || state === "skipped" || ((state === "failed" || state === "timed_out") && step.continueOnFailure);
}

/**
 * Queues steps that became ready: this worker claims what it can take now (only while it has free
 * capacity — so under load ready steps go through the queue, where tenants take turns), the queue the rest.
 */
async function makeReady(ctx: Ctx, run: RunRow, ids: number[]) {
  if (ids.length === 0) return;
  const mine = ids.filter(() => ctx.take());
  const others = ids.filter((id) => !mine.includes(id));
  const running =
    mine.length > 0
      ? await ctx.tx
          .update(runSteps)
          .set({ state: "running", attempt: sql`${runSteps.attempt} + 1`, startedAt: sql`coalesce(${runSteps.startedAt}, clock_timestamp())`, attemptStartedAt: sql`clock_timestamp()` })
          .where(inArray(runSteps.id, mine))
          .returning()
      : [];
  if (others.length > 0) await ctx.tx.update(runSteps).set({ state: "queued" }).where(inArray(runSteps.id, others));
  await enqueueReady(ctx, run, running, others);
}

/** Jobs for ready steps: those this worker marked running, claimed by it (started after the commit); the others for any worker. */
async function enqueueReady(ctx: Ctx, run: RunRow, running: StepRow[], queued: number[]) {
  const job = (stepId: number) => ({ kind: "step", tenantKey: run.tenantId, payload: { stepId, runId: run.id } });
  if (running.length > 0) {
    const byId = new Map(running.map((row) => [row.id, row]));
    for (const claimed of await enqueue(ctx.tx, running.map((row) => job(row.id)), ctx.worker)) {
      const row = byId.get(Number(claimed.payload.stepId))!;
      ctx.started.push({ jobId: claimed.id, stepId: row.id, runId: run.id, loaded: { run, row } });
    }
  }
  if (queued.length > 0) {
    await enqueue(ctx.tx, queued.map(job));
    ctx.queued = true;
  }
}

/** Steps of a retried run that succeeded before and are kept, by key (only for retries from the failed steps). */
async function reusable(ctx: Ctx, run: RunRow, keys: string[]): Promise<Map<string, StepRow>> {
  if (!run.reuseRunId || keys.length === 0) return new Map();
  const rows = await ctx.tx
    .select()
    .from(runSteps)
    .where(and(eq(runSteps.runId, run.reuseRunId), inArray(runSteps.key, keys), inArray(runSteps.state, ["succeeded", "skipped"])));
  return new Map(rows.map((row) => [row.key, row]));
}

export type NewStepRow = PgInsertValue<typeof runSteps>;

/**
 * The rows of one graph level (the run's top level or a group instance): those with nothing
 * upstream start at once — as running when `take` gives them a slot of this worker, else queued.
 * Steps a retry keeps (`kept`, by key) are created finished, with their outputs.
 */
export function levelRows(runId: string, parent: Pick<StepRow, "id" | "key"> | null, graph: Graph, kept: Map<string, StepRow>, take: () => boolean): NewStepRow[] {
  const plan = levelPlan(graph);
  const keyOf = (step: Step) => childKey(parent?.key ?? null, step.name);
  const keptNames = new Set(graph.steps.filter((step) => kept.has(keyOf(step))).map((step) => step.name));
  const waitingOn = (step: Step) => plan.upstream.get(step.name)!.filter((name) => !keptNames.has(name)).length;
  const ready = graph.steps.filter((step) => !keptNames.has(step.name) && waitingOn(step) === 0);
  const mine = new Set(ready.filter(() => take()).map((step) => step.name));
  return graph.steps.map((step) => {
    const reused = kept.get(keyOf(step));
    const base = { runId, parentId: parent?.id ?? null, key: keyOf(step), name: step.name, kind: step.kind, waitingOn: waitingOn(step) };
    if (reused) return { ...base, state: reused.state, outputs: reused.outputs, inputs: reused.inputs, attempt: 0, startedAt: reused.startedAt, finishedAt: reused.finishedAt, exitCode: reused.exitCode };
    if (mine.has(step.name)) return { ...base, state: "running" as const, attempt: 1, startedAt: sql`clock_timestamp()`, attemptStartedAt: sql`clock_timestamp()` };
    return { ...base, state: ready.includes(step) ? ("queued" as const) : ("pending" as const) };
  });
}

/**
 * Creates the rows of one graph level (`levelRows`) and queues or claims those that start at once.
 * Starting a run (`starting`), the run turns running in the same statement that counts its top
 * level's steps.
 */
export async function createLevel(ctx: Ctx, run: RunRow, parent: StepRow | null, graph: Graph, starting = false) {
  const kept = await reusable(ctx, run, graph.steps.map((step) => childKey(parent?.key ?? null, step.name)));
  const values = levelRows(run.id, parent, graph, kept, ctx.take);
  const rows = values.length ? await ctx.tx.insert(runSteps).values(values).returning() : [];
  const open = rows.filter((row) => !kept.has(row.key));
  if (parent) await ctx.tx.update(runSteps).set({ remaining: open.length }).where(eq(runSteps.id, parent.id));
  const [counted] = parent
    ? [run]
    : await ctx.tx
        .update(runs)
        .set(starting ? { remaining: open.length, state: "running", startedAt: sql`clock_timestamp()` } : { remaining: open.length })
        .where(eq(runs.id, run.id))
        .returning();
  if (open.length === 0) {
    if (parent) await finishParent(ctx, counted, { ...parent, remaining: 0 });
    else await finishRun(ctx, counted);
    return;
  }
  await enqueueReady(ctx, counted, open.filter((row) => row.state === "running"), open.filter((row) => row.state === "queued").map((row) => row.id));
}

/**
 * Starts a queued run: its steps, or it stays queued while its workspace runs as many as it may. A
 * limited workspace starts its queued runs oldest first: while it has room, the start of any of them
 * starts the oldest, up to this one.
 */
export async function startRun(ctx: Ctx, runId: string): Promise<"started" | "waiting" | "gone"> {
  const [found] = await ctx.tx
    .select({ workspaceId: runs.workspaceId, parentRunId: runs.parentRunId, max: workspaces.maxConcurrentRuns })
    .from(runs)
    .innerJoin(workspaces, eq(workspaces.id, runs.workspaceId))
    .where(eq(runs.id, runId));
  if (!found) return "gone";
  if (found.parentRunId || found.max === null) {
    const [run] = await ctx.tx.select().from(runs).where(eq(runs.id, runId)).for("no key update");
    if (run?.state !== "queued") return "gone";
    await beginRun(ctx, run);
    return "started";
  }
  // The workspace's lock, taken before any run's, orders its starts and their counts of running runs.
  // "no key update" leaves alone the key-share locks that inserting rows which reference the workspace takes.
  await ctx.tx.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.id, found.workspaceId)).for("no key update");
  const [{ running }] = await ctx.tx
    .select({ running: sql<number>`count(*)::int` })
    .from(runs)
    .where(and(eq(runs.workspaceId, found.workspaceId), eq(runs.state, "running"), isNull(runs.parentRunId)));
  for (let started = running; started < found.max; started++) {
    const [oldest] = await ctx.tx
      .select()
      .from(runs)
      .where(and(eq(runs.workspaceId, found.workspaceId), eq(runs.state, "queued"), isNull(runs.parentRunId), eq(runs.engine, "local")))
      .orderBy(runs.createdAt, runs.id)
      .limit(1)
      .for("no key update");
    if (!oldest) return "gone";
    await beginRun(ctx, oldest);
    if (oldest.id === runId) return "started";
  }
  const [self] = await ctx.tx.select({ state: runs.state }).from(runs).where(eq(runs.id, runId));
  return self?.state === "queued" ? "waiting" : "gone";
}

async function beginRun(ctx: Ctx, run: RunRow) {
  const spec = await ctx.loadSpec(run);
  graphInputValues(spec.inputs, run.inputs);
  await createLevel(ctx, run, null, topGraph(spec), true);
}

/** Passing outcomes that record an attempt (skips and omissions never ran one). */
const ATTEMPT_STATES = new Set(["succeeded", "failed", "timed_out", "cancelled"]);

/**
 * Records a step's end and carries it on: downstream steps of its level become ready (or are
 * omitted when it failed), its group, mapped step or run finishes when it was the last. The common
 * path is one statement: the step's row, attempt, last log chunks, job, its parent's (or run's)
 * count, and its downstream steps' counts, readiness and claims.
 */
export async function finishStep(ctx: Ctx, run: RunRow, row: StepRow, outcome: Outcome, jobId?: number, logs: { stream: string; text: string }[] = []): Promise<void> {
  const outputs = outcome.outputs ?? row.outputs ?? null;
  const recordAttempt = ATTEMPT_STATES.has(outcome.state);
  const spec = await ctx.loadSpec(run);
  const { graph, step } = stepDefinition(spec, row);
  const downstream = downstreamOf(graph, row);
  if (ctx.alone && !finishesAlone(spec, row, outcome)) throw new Error(`the end of step "${row.key}" needs a transaction`);
  const ready = downstream.length > 0 && passes(outcome.state, step) ? readyDownstream(ctx, run, row.parentId, downstream) : undefined;
  // alone, the run's last step reads what ending the run needs: its level as it ended, and whether a limited workspace waits
  const endsRun = ctx.alone && row.parentId === null;
  const foreseen = endsRun ? foreseenEnding(spec, run, row, outcome.state, outputs) : undefined;
  // the run ends in this statement when it ends as foreseen: this step is its last, the others passed, and no limited workspace waits
  const foreseenCte = foreseen
    ? sql`as_foreseen as (
      select (select max_concurrent_runs from workspaces where id = ${run.workspaceId}) is null and not exists (
        select 1 from run_steps s where s.run_id = ${run.id} and s.parent_id is null and s.id <> ${row.id} and s.state not in ('succeeded', 'skipped')) as ends
    ), `
    : sql``;
  const endsAsForeseen = sql`remaining = 1 and (select ends from as_foreseen)`;
  const runEnd = foreseen
    ? sql`, state = case when ${endsAsForeseen} then 'succeeded' else state end,
        outputs = case when ${endsAsForeseen} then ${JSON.stringify(foreseen.outputs)}::jsonb else outputs end, error = case when ${endsAsForeseen} then null else error end,
        finished_at = case when ${endsAsForeseen} then clock_timestamp() else finished_at end`
    : sql``;
  const levelLeft = sql`(select remaining from run_count) = 0 and (select state from run_count) = 'running'`;
  // alone, a step whose end leaves its level to end keeps its job until that is done (carryOn deletes it)
  const keepJob = ctx.alone ? sql` and not coalesce(${levelLeft}, false) and coalesce((select remaining from parent_count), 1) <> 0` : sql``;
  const { rows: [result] } = await executePrepared<{ done: number; run_state: RunRow["state"]; run_remaining: number | null; run_ended: boolean | null; parent_remaining: number | null; ready: Record<string, unknown>[] | null; top?: Record<string, unknown>[]; workspace_limit?: number | null }>(ctx.tx, sql`
    with done as (
      update run_steps set state = ${outcome.state}, outputs = ${outputs === null ? null : JSON.stringify(outputs)}::jsonb,
        exit_code = ${outcome.exitCode ?? null}, error = ${outcome.error ?? null}, finished_at = clock_timestamp()
      where id = ${row.id} and state not in ('succeeded', 'failed', 'skipped', 'omitted', 'cancelled', 'timed_out')
      returning id, attempt, attempt_started_at
    ), attempt as (
      insert into step_attempts (step_id, attempt, run_id, state, worker, exit_code, error, outputs, started_at, finished_at)
      select id, attempt, ${run.id}, ${outcome.state}, ${ctx.worker}, ${outcome.exitCode ?? null}, ${outcome.error ?? null},
        ${outcome.outputs ? JSON.stringify(outcome.outputs) : null}::jsonb, attempt_started_at, clock_timestamp()
      from done where ${recordAttempt} and attempt > 0 and attempt_started_at is not null
      on conflict do nothing
    ), chunks as (
      insert into run_logs (run_id, step_id, attempt, stream, text)
      select ${run.id}, ${row.id}, ${row.attempt || null}, l.stream, l.text from jsonb_to_recordset(${JSON.stringify(logs)}::jsonb) as l(stream text, text text)
    ), ${foreseenCte}run_count as (
      update runs set remaining = remaining - 1${runEnd}
      where id = ${run.id} and ${row.parentId === null} and state = 'running' and exists (select 1 from done)
      returning remaining, state
    ), parent_count as (
      update run_steps set remaining = remaining - 1
      where id = ${row.parentId ?? -1} and exists (select 1 from done) and (select state from runs where id = ${run.id}) = 'running'
      returning remaining
    ), job as (
      delete from jobs where id = ${jobId ?? -1}${keepJob}
    )${ready ? ready.ctes : sql``}
    select (select count(*) from done)::int as done, (select state from runs where id = ${run.id}) as run_state,
      (select remaining from run_count) as run_remaining, (select state from run_count) <> 'running' as run_ended, (select remaining from parent_count) as parent_remaining,
      ${ready ? ready.result : sql`null as ready`}${endsRun ? sql`,
      (select json_agg(to_json(s)) from run_steps s where s.run_id = ${run.id} and s.parent_id is null and s.id <> ${row.id} and ${levelLeft}) as top,
      (select max_concurrent_runs from workspaces where id = ${run.workspaceId}) as workspace_limit` : sql``}`);
  if (result.done === 0 || result.run_state !== "running") {
    ready?.release([]);
    return;
  }
  ready?.release(result.ready ?? []);
  if (downstream.length > 0 && !ready) await omitDownstream(ctx, run, row, outcome.state, downstream);
  if (row.parentId !== null) {
    const finished = result.parent_remaining === 0;
    // the next item of a mapped step that runs so many at a time
    const nextItem = !finished && row.mapIndex !== null && step.map?.parallelism !== undefined;
    if (finished && ctx.alone) ctx.followUp = (next) => carryOn(next, run, row, jobId);
    else if (finished || nextItem) {
      const [counted] = await ctx.tx.select().from(runSteps).where(eq(runSteps.id, row.parentId));
      if (finished) await finishParent(ctx, run, counted);
      else await startNextItem(ctx, run, counted);
    }
  } else if (result.run_remaining === 0 && !result.run_ended) {
    // what finishRun reads of the run does not change while it runs; its end is guarded by the run's state
    if (!ctx.alone) return finishRun(ctx, run);
    const top = [...(result.top ?? []).map((json) => fromJsonRow(runSteps, json)), { ...row, state: outcome.state, outputs }];
    if (endsAlone(spec, run, result.workspace_limit ?? null) && top.every((step) => terminalSteps.includes(step.state))) await endRunAlone(ctx, spec, run, top, jobId);
    else ctx.followUp = (next) => carryOn(next, run, row, jobId);
  }
}

/**
 * Whether a step's end can be one statement on its own, what it leaves carried on after it
 * committed (`carryOn`): not when it stops its downstream steps, nor for an item of a mapped step
 * that runs so many at a time (the next item starts in its transaction).
 */
export function finishesAlone(spec: WorkflowSpec, row: StepRow, outcome: Outcome): boolean {
  const { graph, step } = stepDefinition(spec, row);
  const downstream = downstreamOf(graph, row);
  if (downstream.length > 0 && !passes(outcome.state, step)) return false;
  return !(row.mapIndex !== null && step.map?.parallelism !== undefined);
}

/**
 * Carries on the end of a step that finished on its own: the last of its level, so its group,
 * mapped step or run ends now, and its job goes. A worker that finds a finished step's job (its
 * worker stopped between the two) does the same.
 */
export async function carryOn(ctx: Ctx, run: RunRow, row: StepRow, jobId?: number) {
  if (row.parentId === null) {
    const [current] = await ctx.tx.select().from(runs).where(eq(runs.id, run.id)).for("no key update");
    if (current?.state === "running" && current.remaining === 0) await finishRun(ctx, current);
  } else {
    const [parent] = await ctx.tx.select().from(runSteps).where(eq(runSteps.id, row.parentId)).for("no key update");
    const [current] = await ctx.tx.select({ state: runs.state }).from(runs).where(eq(runs.id, run.id));
    if (parent && parent.remaining === 0 && !terminalSteps.includes(parent.state) && current?.state === "running") await finishParent(ctx, run, parent);
  }
  if (jobId !== undefined) await ctx.tx.delete(jobs).where(eq(jobs.id, jobId));
}

/**
 * The part of a finished step's statement that readies its downstream steps: they count it as
 * done (only when it was done, and its run still runs); those with nothing left upstream become
 * ready — running on this worker when it has room for all of them (claimed, and started after the
 * commit), else queued for any worker. `release` takes the rows the statement readied.
 */
function readyDownstream(ctx: Ctx, run: RunRow, parentId: number | null, names: string[]) {
  const reserved = names.filter(() => ctx.take()).length;
  const mine = reserved === names.length;
  const ctes = sql`, counted as (
      update run_steps set
        waiting_on = waiting_on - 1,
        state = case when waiting_on = 1 and state = 'pending' then ${mine ? "running" : "queued"} else state end,
        attempt = case when waiting_on = 1 and state = 'pending' and ${mine} then attempt + 1 else attempt end,
        started_at = case when waiting_on = 1 and state = 'pending' and ${mine} then coalesce(started_at, clock_timestamp()) else started_at end,
        attempt_started_at = case when waiting_on = 1 and state = 'pending' and ${mine} then clock_timestamp() else attempt_started_at end
      where run_id = ${run.id} and parent_id is not distinct from ${parentId}::bigint and name = any(${sql.param(names)}::text[]) and map_index is null
        and exists (select 1 from done) and (select state from runs where id = ${run.id}) = 'running'
      returning *
    ), queued as (
      insert into jobs (kind, tenant_key, payload, locked_by, locked_until, attempts)
      select 'step', ${run.tenantId}, jsonb_build_object('stepId', id, 'runId', ${run.id}::text),
        ${mine ? ctx.worker : null}, ${mine ? sql`now() + make_interval(secs => ${LEASE_MS / 1000})` : null}, ${mine ? 1 : 0}
      from counted where waiting_on = 0 and state = ${mine ? "running" : "queued"}
      returning id, (payload->>'stepId')::bigint as step_id
    ), wake as (
      select pg_notify(${WAKE_CHANNEL}, '') from (select 1 from queued limit 1) any_queued where ${!mine}
    )`;
  const result = sql`(select coalesce(json_agg(json_build_object('job_id', queued.id, 'row', to_json(counted))), '[]'::json)
      from queued join counted on counted.id = queued.step_id) as ready, (select count(*) from wake) as woken`;
  const release = (readied: Record<string, unknown>[]) => {
    ctx.release(reserved - (mine ? readied.length : 0));
    if (mine)
      for (const { job_id, row } of readied as { job_id: number; row: Record<string, unknown> }[]) {
        const step = fromJsonRow(runSteps, row);
        ctx.started.push({ jobId: Number(job_id), stepId: step.id, runId: run.id, loaded: { run, row: step } });
      }
    else if (readied.length > 0) ctx.queued = true;
  };
  return { ctes, result, release };
}

/** A step that failed (without continueOnFailure) or was cancelled: what waited on it will not run. */
async function omitDownstream(ctx: Ctx, run: RunRow, row: StepRow, state: Outcome["state"], names: string[]) {
  const blocked = await ctx.tx
    .select()
    .from(runSteps)
    .where(and(eq(runSteps.runId, run.id), row.parentId === null ? isNull(runSteps.parentId) : eq(runSteps.parentId, row.parentId), inArray(runSteps.name, names), isNull(runSteps.mapIndex), eq(runSteps.state, "pending")));
  for (const next of blocked) {
    await finishStep(ctx, run, next, { state: state === "cancelled" ? "cancelled" : "omitted", error: `Not run: upstream step "${row.name}" ${state.replace("_", " ")}.` });
  }
}

/** A mapped step runs at most `parallelism` items at once: the next waiting one starts when one ends. */
async function startNextItem(ctx: Ctx, run: RunRow, parent: StepRow) {
  const [next] = await ctx.tx
    .select({ id: runSteps.id })
    .from(runSteps)
    .where(and(eq(runSteps.parentId, parent.id), eq(runSteps.state, "pending")))
    .orderBy(runSteps.mapIndex)
    .limit(1)
    .for("update", { skipLocked: true });
  if (next) await makeReady(ctx, run, [next.id]);
}

/** Creates the items of a mapped step and starts the first `parallelism` of them. */
export async function expandMap(ctx: Ctx, run: RunRow, parent: StepRow, step: Step, items: unknown[]) {
  if (items.length === 0) {
    await ctx.tx.update(runSteps).set({ remaining: 0 }).where(eq(runSteps.id, parent.id));
    await finishParent(ctx, run, { ...parent, remaining: 0 });
    return;
  }
  const rows = await ctx.tx
    .insert(runSteps)
    .values(items.map((item, i) => ({ runId: run.id, parentId: parent.id, key: itemKey(parent.key, i), name: step.name, kind: step.kind, mapIndex: i, item: item ?? null, state: "pending" as const })))
    .returning({ id: runSteps.id });
  await ctx.tx.update(runSteps).set({ remaining: rows.length, state: "running", startedAt: sql`coalesce(${runSteps.startedAt}, clock_timestamp())` }).where(eq(runSteps.id, parent.id));
  const parallelism = step.map?.parallelism ?? rows.length;
  await makeReady(ctx, run, rows.slice(0, parallelism).map((r) => r.id));
}

/** Outputs of the finished steps of one level, by name (for a level's outputs and a run's). */
export async function levelOutputs(tx: Tx, runId: string, parentId: number | null): Promise<Map<string, Record<string, unknown>>> {
  const rows = await tx
    .select({ name: runSteps.name, outputs: runSteps.outputs, mapIndex: runSteps.mapIndex })
    .from(runSteps)
    .where(and(eq(runSteps.runId, runId), parentId === null ? isNull(runSteps.parentId) : eq(runSteps.parentId, parentId), isNull(runSteps.mapIndex)));
  return outputsByName(rows);
}

/** The outputs of a level's rows, by step name (a mapped step's items are not the level's). */
function outputsByName(rows: Pick<StepRow, "name" | "outputs" | "mapIndex">[]): Map<string, Record<string, unknown>> {
  return new Map(rows.filter((r) => r.outputs && r.mapIndex === null).map((r) => [r.name, r.outputs!]));
}

/** Whether a finished level failed: a step failed (or timed out) without continueOnFailure, or was cancelled. */
function levelState(children: Pick<StepRow, "state" | "key">[], definitionOf: (row: Pick<StepRow, "key">) => Step): "succeeded" | "failed" | "cancelled" {
  if (children.some((c) => c.state === "cancelled")) return "cancelled";
  const failed = children.some((c) => (c.state === "failed" || c.state === "timed_out") && !definitionOf(c).continueOnFailure);
  return failed ? "failed" : "succeeded";
}

/** A group instance or mapped step whose children all ended: its state and outputs, then carried on. */
async function finishParent(ctx: Ctx, run: RunRow, parent: StepRow) {
  const spec = await ctx.loadSpec(run);
  const children = await ctx.tx.select().from(runSteps).where(eq(runSteps.parentId, parent.id)).orderBy(runSteps.mapIndex, runSteps.id);
  const { step } = stepDefinition(spec, parent);
  const state = levelState(children, (row) => stepDefinition(spec, row).step);
  let outputs: Record<string, unknown> = {};
  let error: string | null = state === "succeeded" ? null : `${children.filter((c) => c.state === state).map((c) => c.key).join(", ")} ${state}`;
  const isMapParent = parent.mapIndex === null && step.map !== undefined;
  if (isMapParent) {
    const ran = children.filter((c) => c.state !== "skipped" && c.outputs);
    for (const output of step.outputs) outputs[output.name] = ran.map((c) => c.outputs![output.name] ?? null);
    outputs["*"] = ran.map((c) => Object.fromEntries(Object.entries(c.outputs!).filter(([name]) => name !== "*")));
  } else if (step.kind === "group" && state === "succeeded") {
    try {
      const groupOutputs = graphOutputs(step.group, await levelOutputs(ctx.tx, run.id, parent.id), parent.inputs ?? {});
      outputs = Object.fromEntries(step.outputs.map((o) => [o.name, o.source.from === "workflow" ? groupOutputs[o.source.output] : null]));
    } catch (e) {
      error = (e as Error).message;
    }
  }
  await finishStep(ctx, run, parent, { state: error && state === "succeeded" ? "failed" : state, outputs, error });
}

/** A graph's declared outputs from its steps' outputs. */
export function graphOutputs(graph: Graph, outputs: Map<string, Record<string, unknown>>, inputs: Record<string, unknown>): Record<string, unknown> {
  const scope: Scope = { inputs, outputs, workflow: {} };
  return Object.fromEntries(graph.outputs.map((output) => [output.name, resolveSource(output.value, scope)]));
}

/** How a run whose top-level steps all ended ends: its state, and its outputs or error. */
function runEnding(spec: WorkflowSpec, run: RunRow, top: StepRow[]): Pick<RunRow, "state" | "outputs" | "error"> {
  let state: RunRow["state"] = topState(spec, top);
  let outputs: Record<string, unknown> | null = null;
  let error: string | null = state === "succeeded" ? null : `Steps ${top.filter((s) => ["failed", "timed_out", "cancelled"].includes(s.state)).map((s) => `"${s.key}"`).join(", ")} did not succeed.`;
  if (state === "succeeded") {
    try {
      outputs = graphOutputs(topGraph(spec), outputsByName(top), graphInputValues(spec.inputs, run.inputs));
    } catch (e) {
      state = "failed";
      error = `The workflow's outputs could not be read: ${(e as Error).message}`;
    }
  }
  return { state, outputs, error };
}

/** Reading another step's outputs: the run's end cannot be foreseen from its last step alone. */
class OtherStepNeeded extends Error {}

/** A level's outputs by step name holding one step's alone, which throws OtherStepNeeded when asked for another's. */
class OneStepOutputs extends Map<string, Record<string, unknown>> {
  constructor(private readonly step: string, outputs: Record<string, unknown> | null) {
    super(outputs ? [[step, outputs]] : []);
  }
  override has(name: string) {
    if (name !== this.step) throw new OtherStepNeeded();
    return super.has(name);
  }
  override get(name: string) {
    if (name !== this.step) throw new OtherStepNeeded();
    return super.get(name);
  }
}

/**
 * How a run ends when its last top-level step ends as `state` with `outputs` and every other one
 * passed (succeeded or skipped), as runEnding would find it; undefined when that needs more than
 * this step: its outputs read other steps', it did not succeed, or the end sets more off (`endsAlone`).
 */
function foreseenEnding(spec: WorkflowSpec, run: RunRow, row: StepRow, state: StepState, outputs: Record<string, unknown> | null): { outputs: Record<string, unknown> } | undefined {
  if (state !== "succeeded" || !endsAlone(spec, run, null)) return undefined;
  try {
    return { outputs: graphOutputs(topGraph(spec), new OneStepOutputs(row.name, outputs), graphInputValues(spec.inputs, run.inputs)) };
  } catch {
    // another step's outputs, or outputs that cannot be read: the run's end is left to runEnding
    return undefined;
  }
}

/** The state of a run whose top-level steps all ended in these states. */
function topState(spec: WorkflowSpec, top: StepRow[]): RunRow["state"] {
  const state = levelState(top, (row) => stepDefinition(spec, row).step);
  return top.some((s) => s.state === "timed_out") && state === "failed" ? "timed_out" : state;
}

/** All top-level steps ended: the run's state and outputs; a sub-workflow run then finishes its calling step. */
async function finishRun(ctx: Ctx, run: RunRow) {
  const spec = await ctx.loadSpec(run);
  const top = await ctx.tx.select().from(runSteps).where(and(eq(runSteps.runId, run.id), isNull(runSteps.parentId)));
  const exit = await startExitHandler(ctx, run, spec, top, topState(spec, top));
  if (exit) {
    await createLevel(ctx, run, exit.row, exit.graph);
    return;
  }
  const [row] = await ctx.tx
    .update(runs)
    .set({ ...runEnding(spec, run, top), finishedAt: sql`clock_timestamp()` })
    .where(and(eq(runs.id, run.id), notInArray(runs.state, terminalRuns)))
    .returning({ ...getTableColumns(runs), workspaceLimit: sql<number | null>`(select ${workspaces.maxConcurrentRuns} from ${workspaces} where ${workspaces.id} = ${runs.workspaceId})` });
  if (!row) return;
  const { workspaceLimit, ...ended } = row;
  await afterRunEnded(ctx, ended, workspaceLimit);
}

/** Whether a run's end is its own row alone: no exit handler to start, no calling step to finish, no queued run of a limited workspace to start. */
export function endsAlone(spec: WorkflowSpec, run: Pick<RunRow, "parentRunId">, workspaceLimit: number | null) {
  return !exitHandlerStep(spec) && run.parentRunId === null && workspaceLimit === null;
}

/**
 * Ends a run (`endsAlone`) whose last top-level step ended on its own: `top` is its level as that
 * step's statement left it. One statement, with the deletion of that step's job (until then a
 * worker that finds the job carries the end on).
 */
async function endRunAlone(ctx: Ctx, spec: WorkflowSpec, run: RunRow, top: StepRow[], jobId?: number) {
  const { state, outputs, error } = runEnding(spec, run, top);
  await executePrepared(ctx.tx, sql`
    with ended as (
      update runs set state = ${state}, outputs = ${outputs === null ? null : JSON.stringify(outputs)}::jsonb, error = ${error}, finished_at = clock_timestamp()
      where id = ${run.id} and state <> all(${sql.param(terminalRuns)}::text[])
      returning id
    ), job as (delete from jobs where id = ${jobId ?? -1})
    select count(*) from ended`);
}

/** What a run's end sets off: its calling step (sub-workflows) and the next queued run of a limited workspace. */
async function afterRunEnded(ctx: Ctx, ended: RunRow, workspaceLimit: number | null) {
  if (ended.parentStepId && ended.parentRunId) {
    const [parentRun] = await ctx.tx.select().from(runs).where(eq(runs.id, ended.parentRunId));
    const [callingStep] = await ctx.tx.select().from(runSteps).where(eq(runSteps.id, ended.parentStepId));
    if (parentRun && callingStep) {
      const spec = await ctx.loadSpec(parentRun);
      const { step } = stepDefinition(spec, callingStep);
      const outputs = Object.fromEntries(step.outputs.map((o) => [o.name, o.source.from === "workflow" ? (ended.outputs ?? {})[o.source.output] ?? null : null]));
      const state = ended.state === "succeeded" ? "succeeded" : ended.state === "cancelled" ? "cancelled" : ended.state === "timed_out" ? "timed_out" : "failed";
      await finishStep(ctx, parentRun, callingStep, { state, outputs, error: state === "succeeded" ? null : `Sub-workflow run ${ended.id} ${ended.state.replace("_", " ")}.` });
    }
  }
  if (workspaceLimit !== null && !ended.parentRunId) {
    const [next] = await ctx.tx
      .select({ id: runs.id })
      .from(runs)
      .where(and(eq(runs.workspaceId, ended.workspaceId), eq(runs.state, "queued"), isNull(runs.parentRunId), eq(runs.engine, "local")))
      .orderBy(runs.createdAt)
      .limit(1);
    if (next) {
      await enqueue(ctx.tx, [runStartJob({ id: next.id, tenantId: ended.tenantId })]);
      ctx.queued = true;
    }
  }
}

/** Puts a failed attempt back in the queue after `delayMs`; the step shows as queued until then. */
export async function scheduleRetry(ctx: Ctx, run: RunRow, row: StepRow, outcome: Outcome, delayMs: number, jobId: number) {
  await ctx.tx
    .insert(stepAttempts)
    .values({ stepId: row.id, attempt: row.attempt, runId: run.id, state: outcome.state, worker: ctx.worker, exitCode: outcome.exitCode ?? null, error: outcome.error ?? null, outputs: outcome.outputs ?? null, startedAt: row.attemptStartedAt ?? new Date(), finishedAt: sql`clock_timestamp()` })
    .onConflictDoNothing();
  await ctx.tx.update(runSteps).set({ state: "queued", error: outcome.error ?? null, exitCode: outcome.exitCode ?? null }).where(eq(runSteps.id, row.id));
  await ctx.tx
    .update(jobs)
    .set({ runAt: sql`now() + make_interval(secs => ${delayMs / 1000})`, lockedBy: null, lockedUntil: null })
    .where(eq(jobs.id, jobId));
  ctx.queued = true;
}
