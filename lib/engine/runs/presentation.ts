import type { runs, runSteps, stepAttempts, runLogs } from "@/db/schema";
import type { LogChunk, RunStep, RunSummary } from "./schema";

type RunRow = typeof runs.$inferSelect;
type StepRow = typeof runSteps.$inferSelect;
type AttemptRow = typeof stepAttempts.$inferSelect;

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function presentRun(run: RunRow): RunSummary {
  return {
    id: run.id,
    workspaceId: run.workspaceId,
    workflow: { name: run.workflowName, version: run.workflowVersion },
    state: run.state,
    trigger: run.trigger,
    triggerRef: run.triggerRef,
    startedBy: { kind: run.startedByKind, id: run.startedById, name: run.startedByName },
    parentRunId: run.parentRunId,
    rootRunId: run.rootRunId,
    retryOf: run.retryOf,
    engine: run.engine,
    error: run.error,
    createdAt: run.createdAt.toISOString(),
    startedAt: iso(run.startedAt),
    finishedAt: iso(run.finishedAt),
  };
}

/** A step with every attempt: the finished ones recorded, plus the one running now. */
export function presentStep(step: StepRow, attempts: AttemptRow[]): RunStep {
  const recorded = attempts
    .filter((a) => a.stepId === step.id)
    .sort((a, b) => a.attempt - b.attempt)
    .map((a) => ({ attempt: a.attempt, state: a.state, exitCode: a.exitCode, error: a.error, outputs: a.outputs, startedAt: a.startedAt.toISOString(), finishedAt: iso(a.finishedAt) }));
  if (step.state === "running" && step.attempt > 0 && step.attemptStartedAt && !recorded.some((a) => a.attempt === step.attempt)) {
    recorded.push({ attempt: step.attempt, state: "running", exitCode: null, error: null, outputs: null, startedAt: step.attemptStartedAt.toISOString(), finishedAt: null });
  }
  return {
    id: step.id,
    key: step.key,
    name: step.name,
    kind: step.kind,
    parentId: step.parentId,
    mapIndex: step.mapIndex,
    item: step.item ?? null,
    state: step.state,
    attempt: step.attempt,
    inputs: step.inputs,
    outputs: step.outputs,
    exitCode: step.exitCode,
    error: step.error,
    childRunId: step.childRunId,
    startedAt: iso(step.startedAt),
    finishedAt: iso(step.finishedAt),
    attempts: recorded,
  };
}

export function presentLog(row: typeof runLogs.$inferSelect): LogChunk {
  return { id: row.id, stepId: row.stepId, attempt: row.attempt, stream: row.stream, text: row.text, at: row.at.toISOString() };
}
