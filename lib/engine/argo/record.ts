import { and, eq, inArray, notInArray, sql, type SQL } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import { LRUCache } from "lru-cache";
import { database } from "@/db/client";
import { runs, runSteps, stepAttempts, workflowVersions, type StepState } from "@/db/schema";
import { loadCallees } from "@/lib/workflows/service";
import { TERMINAL_RUN_STATES, TERMINAL_STEP_STATES } from "../runs/schema";
import type { RunRow } from "../local/transitions";
import { observeRunOutputs, observeSteps, runState, type Definitions, type ObservedStep } from "./nodes";
import type { ArgoWorkflowObject } from "./resources";

/**
 * What the watch sees, written into Sluice's tables, so the run page, the runs API and the logs read
 * an `argo` run as they read a local one. Writes never move a step or run out of an ended state.
 */

const terminalSteps = TERMINAL_STEP_STATES as StepState[];
const terminalRuns = TERMINAL_RUN_STATES as RunRow["state"][];
const definitions = new LRUCache<string, Definitions>({ max: 500 });

/** A run's workflow version and the versions it calls (versions never change, so they are cached). */
export async function runDefinitions(run: Pick<RunRow, "workspaceId" | "workflowId" | "workflowVersion">): Promise<Definitions> {
  const key = `${run.workflowId}@${run.workflowVersion}`;
  const cached = definitions.get(key);
  if (cached) return cached;
  const db = await database();
  const [version] = await db
    .select({ spec: workflowVersions.spec, calls: workflowVersions.calls })
    .from(workflowVersions)
    .where(and(eq(workflowVersions.workflowId, run.workflowId), eq(workflowVersions.version, run.workflowVersion)));
  if (!version) throw new Error(`workflow version ${key} does not exist`);
  const defs: Definitions = { spec: version.spec, callees: await loadCallees({ id: run.workspaceId }, version.calls) };
  definitions.set(key, defs);
  return defs;
}

const excluded = (column: PgColumn): SQL => sql.raw(`excluded."${column.name}"`);
const ROWS_PER_INSERT = 1_000;

/** Writes the steps and finished attempts the Workflow shows; answers the steps with their row ids. */
export async function recordSteps(run: RunRow, wf: ArgoWorkflowObject, defs: Definitions): Promise<{ steps: ObservedStep[]; ids: Map<string, number> }> {
  const observed = observeSteps(wf, defs, run.state === "cancelled");
  const db = await database();
  const ids = new Map<string, number>();
  await db.transaction(async (tx) => {
    for (const row of await tx.select({ id: runSteps.id, key: runSteps.key }).from(runSteps).where(eq(runSteps.runId, run.id))) ids.set(row.key, row.id);
    // parents come first, so each batch (one depth) finds its parents' ids
    const depth = (key: string) => key.split("/").length * 2 + (key.endsWith("]") ? 1 : 0);
    const levels = new Map<number, ObservedStep[]>();
    for (const step of observed) levels.set(depth(step.key), [...(levels.get(depth(step.key)) ?? []), step]);
    // PostgreSQL takes at most 65535 parameters a statement: 16 a row
    const batches = [...levels].sort(([a], [b]) => a - b).flatMap(([, level]) => Array.from({ length: Math.ceil(level.length / ROWS_PER_INSERT) }, (_, i) => level.slice(i * ROWS_PER_INSERT, (i + 1) * ROWS_PER_INSERT)));
    for (const batch of batches) {
      const written = await tx
        .insert(runSteps)
        .values(
          batch.map((step) => ({
            runId: run.id,
            parentId: step.parentKey ? (ids.get(step.parentKey) ?? null) : null,
            key: step.key,
            name: step.name,
            kind: step.kind,
            mapIndex: step.mapIndex,
            item: step.item ?? null,
            state: step.state,
            attempt: step.attempt,
            inputs: step.inputs,
            outputs: step.outputs,
            exitCode: step.exitCode,
            error: step.error,
            startedAt: step.startedAt,
            attemptStartedAt: step.attemptStartedAt,
            finishedAt: step.finishedAt,
          })),
        )
        .onConflictDoUpdate({
          target: [runSteps.runId, runSteps.key],
          set: {
            parentId: excluded(runSteps.parentId),
            item: excluded(runSteps.item),
            state: excluded(runSteps.state),
            attempt: excluded(runSteps.attempt),
            inputs: excluded(runSteps.inputs),
            outputs: excluded(runSteps.outputs),
            exitCode: excluded(runSteps.exitCode),
            error: excluded(runSteps.error),
            startedAt: excluded(runSteps.startedAt),
            attemptStartedAt: excluded(runSteps.attemptStartedAt),
            finishedAt: excluded(runSteps.finishedAt),
          },
          setWhere: notInArray(runSteps.state, terminalSteps),
        })
        .returning({ id: runSteps.id, key: runSteps.key });
      for (const row of written) ids.set(row.key, row.id);
    }
    const attempts = observed.flatMap((step) =>
      step.attempts
        .filter((a) => a.finishedAt && ids.has(step.key))
        .map((a) => ({ stepId: ids.get(step.key)!, attempt: a.attempt, runId: run.id, state: a.state, worker: a.nodeId, exitCode: a.exitCode, error: a.error, outputs: a.outputs, startedAt: a.startedAt, finishedAt: a.finishedAt })),
    );
    for (let i = 0; i < attempts.length; i += ROWS_PER_INSERT) await tx.insert(stepAttempts).values(attempts.slice(i, i + ROWS_PER_INSERT)).onConflictDoNothing();
    if (wf.metadata.resourceVersion) await tx.update(runs).set({ engineCursor: wf.metadata.resourceVersion }).where(eq(runs.id, run.id));
  });
  return { steps: observed, ids };
}

/**
 * The Workflow finished: steps it never reached end (omitted, or cancelled with the run), and the run
 * takes the Workflow's outcome and outputs — unless it ended already (cancelled in Sluice).
 */
export async function recordRunEnd(run: RunRow, wf: ArgoWorkflowObject, defs: Definitions): Promise<void> {
  const state = run.state === "cancelled" ? "cancelled" : runState(wf);
  const db = await database();
  await db.transaction(async (tx) => {
    await tx
      .update(runSteps)
      .set({ state: state === "cancelled" ? "cancelled" : "omitted", finishedAt: sql`now()`, error: state === "cancelled" ? "Cancelled." : "Not run: the workflow ended." })
      .where(and(eq(runSteps.runId, run.id), notInArray(runSteps.state, terminalSteps)));
    const failed = state === "succeeded" ? [] : await tx.select({ key: runSteps.key }).from(runSteps).where(and(eq(runSteps.runId, run.id), inArray(runSteps.state, ["failed", "timed_out"])));
    const error = state === "succeeded" ? null : wf.status?.message || (failed.length > 0 ? `Steps ${failed.map((s) => `"${s.key}"`).join(", ")} did not succeed.` : `The workflow ${state.replace("_", " ")}.`);
    await tx
      .update(runs)
      .set({
        state,
        outputs: state === "succeeded" ? observeRunOutputs(wf, defs.spec) : null,
        error,
        startedAt: sql`coalesce(${runs.startedAt}, ${wf.status?.startedAt ? new Date(wf.status.startedAt).toISOString() : null}::timestamptz, now())`,
        finishedAt: wf.status?.finishedAt ? new Date(wf.status.finishedAt) : new Date(),
      })
      .where(and(eq(runs.id, run.id), notInArray(runs.state, terminalRuns)));
  });
}
