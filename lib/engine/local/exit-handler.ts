import { and, eq, inArray, sql } from "drizzle-orm";
import { runs, runSteps } from "@/db/schema";
import { exitGraph } from "@/lib/workflows/graph";
import { EXIT_HANDLER, type Graph, type Step, type WorkflowSpec } from "@/lib/workflows/model";
import type { Ctx, RunRow, StepRow, Tx } from "./transitions";
import { graphInputValues } from "./values";

/**
 * The exit handler (`spec.onExit`, Argo's onExit) on the local engine. When every top-level step of a
 * run has ended, the run does not end yet: a row keyed EXIT_HANDLER joins its top level as a group step
 * that runs the exit handler's graph with the run's inputs, and the run ends when that group does. It
 * counts like any other top-level step, so an exit handler that fails fails a run that had succeeded.
 * Its steps read the outcome of the rest of the run as `{{workflow.status}}`, `{{workflow.failures}}`
 * and `{{workflow.duration}}`, kept on its row as the value it works on (`item`).
 */

type GroupStep = Extract<Step, { kind: "group" }>;

const handlers = new WeakMap<WorkflowSpec, GroupStep | null>();

/** The exit handler as the group step that runs it; one object per spec, so level plans stay cached. */
export function exitHandlerStep(spec: WorkflowSpec): GroupStep | undefined {
  let step = handlers.get(spec);
  if (step === undefined) {
    const graph = exitGraph(spec);
    step = graph ? { name: EXIT_HANDLER, kind: "group", group: graph, inputs: [], outputs: [], dependsOn: [], continueOnFailure: false } : null;
    handlers.set(spec, step);
  }
  return step ?? undefined;
}

/** A step at the top level of a run, by name: a step of the workflow or the exit handler. */
export function topLevelStep(spec: WorkflowSpec, name: string): Step | undefined {
  return name === EXIT_HANDLER ? exitHandlerStep(spec) : spec.steps.find((step) => step.name === name);
}

/** Argo's form of a failed step in `{{workflow.failures}}`. */
type Failure = { displayName: string; message: string; phase: "Failed" | "Error"; finishedAt: string | null };
type RunOutcome = { status: "Succeeded" | "Failed"; failures: Failure[] };

/**
 * Adds the exit handler's row to a run whose top-level steps all ended in `state`, and sets the run to
 * wait for it; the caller creates its level (`createLevel(ctx, run, row, graph)`). Undefined when the
 * workflow has no exit handler or it has run already: then the run ends.
 */
export async function startExitHandler(ctx: Ctx, run: RunRow, spec: WorkflowSpec, top: readonly Pick<StepRow, "key">[], state: RunRow["state"]): Promise<{ row: StepRow; graph: Graph } | undefined> {
  const handler = exitHandlerStep(spec);
  if (!handler || top.some((row) => row.key === EXIT_HANDLER)) return undefined;
  const failed = await ctx.tx
    .select({ key: runSteps.key, state: runSteps.state, error: runSteps.error, finishedAt: runSteps.finishedAt })
    .from(runSteps)
    .where(and(eq(runSteps.runId, run.id), inArray(runSteps.state, ["failed", "timed_out"])))
    .orderBy(runSteps.id);
  const outcome: RunOutcome = {
    status: state === "succeeded" ? "Succeeded" : "Failed",
    failures: failed.map((row) => ({ displayName: row.key, message: row.error ?? "", phase: row.state === "timed_out" ? "Error" : "Failed", finishedAt: row.finishedAt?.toISOString() ?? null })),
  };
  const [row] = await ctx.tx
    .insert(runSteps)
    .values({ runId: run.id, parentId: null, key: EXIT_HANDLER, name: EXIT_HANDLER, kind: "group", state: "running", startedAt: sql`clock_timestamp()`, inputs: graphInputValues(spec.inputs, run.inputs), item: outcome })
    .returning();
  await ctx.tx.update(runs).set({ remaining: 1 }).where(eq(runs.id, run.id));
  return { row, graph: handler.group };
}

/** The `{{workflow.*}}` values a step of the exit handler reads besides those of every step; none for other steps. */
export async function exitVariables(tx: Pick<Tx, "select">, run: Pick<RunRow, "id" | "startedAt">, row: Pick<StepRow, "key">): Promise<Record<string, string>> {
  if (!row.key.startsWith(`${EXIT_HANDLER}/`)) return {};
  const [handler] = await tx
    .select({ item: runSteps.item, startedAt: runSteps.startedAt })
    .from(runSteps)
    .where(and(eq(runSteps.runId, run.id), eq(runSteps.key, EXIT_HANDLER)));
  const outcome = handler?.item as RunOutcome | undefined;
  if (!outcome) return {};
  const seconds = run.startedAt && handler.startedAt ? (handler.startedAt.getTime() - run.startedAt.getTime()) / 1000 : 0;
  return { status: outcome.status, failures: JSON.stringify(outcome.failures), duration: String(Math.max(0, seconds)) };
}
