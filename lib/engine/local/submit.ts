import { and, eq, isNull } from "drizzle-orm";
import { runs, runSteps, workflows, workflowVersions } from "@/db/schema";
import { enqueue } from "./queue";
import type { Ctx, RunRow, StepRow, Tx } from "./transitions";

export type NewRun = Pick<RunRow, "tenantId" | "workspaceId" | "workflowId" | "workflowName" | "workflowVersion" | "inputs" | "trigger" | "triggerRef" | "startedByKind" | "startedById" | "startedByName"> &
  Partial<Pick<RunRow, "parentRunId" | "parentStepId" | "rootRunId" | "retryOf" | "reuseRunId">>;

/** Records a queued run, in the caller's transaction; a provider's `submit` starts it. */
export async function insertRun(tx: Pick<Tx, "insert">, values: NewRun): Promise<RunRow> {
  const id = crypto.randomUUID();
  const [run] = await tx
    .insert(runs)
    .values({ ...values, id, rootRunId: values.rootRunId ?? id, state: "queued" })
    .returning();
  return run;
}

/** A `workflow` step's run of the version it calls, linked to its parent and root run. */
export async function submitChildRun(ctx: Ctx, parentRun: RunRow, row: StepRow, call: { workflow: string; version: number }, inputs: Record<string, unknown>): Promise<string> {
  const [callee] = await ctx.tx
    .select({ id: workflows.id, name: workflows.name })
    .from(workflows)
    .innerJoin(workflowVersions, and(eq(workflowVersions.workflowId, workflows.id), eq(workflowVersions.version, call.version)))
    .where(and(eq(workflows.workspaceId, parentRun.workspaceId), eq(workflows.name, call.workflow), isNull(workflows.deletedAt)));
  if (!callee) throw new Error(`workflow "${call.workflow}" v${call.version} no longer exists`);
  const child = await insertRun(ctx.tx, {
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
  });
  await enqueue(ctx.tx, [{ kind: "run.start", tenantKey: child.tenantId, payload: { runId: child.id }, uniqueKey: `run.start:${child.id}` }]);
  ctx.queued = true;
  await ctx.tx.update(runSteps).set({ childRunId: child.id }).where(eq(runSteps.id, row.id));
  return child.id;
}
