import { and, count, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { database } from "@/db/client";
import { runSteps, stepAttempts, workflows } from "@/db/schema";
import { engineFixture, saveWorkflow, sh } from "@/lib/engine/testing/engine";
import { recordRun } from "../local/submit";
import { recordSteps, runDefinitions } from "./record";
import type { ArgoNode, ArgoWorkflowObject } from "./resources";

/** Writing what a Workflow shows, at the size of the largest workflow (5,000 steps). */
describe("recording a Workflow's nodes", () => {
  it("writes a map of 4,500 items (more parameters than one PostgreSQL statement takes) and their attempts, and never reopens an ended step", async () => {
    const fx = await engineFixture("record");
    await saveWorkflow(fx.admin, fx.workspaceId, "wide", {
      inputs: [{ name: "items", type: "json", required: true }],
      steps: [sh("fan", "echo {{item}}", { map: { over: { from: "input", name: "items" } } })],
    });
    const db = await database();
    const [workflow] = await db.select().from(workflows).where(and(eq(workflows.workspaceId, fx.workspaceId), eq(workflows.name, "wide")));
    const { run } = await recordRun(db, {
        tenantId: fx.tenant.id,
        workspaceId: fx.workspaceId,
        workflowId: workflow.id,
        workflowName: "wide",
        workflowVersion: 1,
        inputs: { items: [] },
        trigger: "api",
        triggerRef: null,
        startedByKind: "user",
        startedById: fx.admin.id,
        startedByName: "test",
      }, { engine: "argo" });
    const defs = await runDefinitions(run);
    const WF = "wide-1";
    const items = Array.from({ length: 4_500 }, (_, i) => i);
    const status = (phase: ArgoNode["phase"]): ArgoWorkflowObject => ({
      metadata: { name: WF, resourceVersion: phase },
      status: {
        phase: "Running",
        nodes: Object.fromEntries(
          [
            { id: WF, name: WF, displayName: WF, type: "DAG", phase: "Running" as const },
            { id: "fan", name: `${WF}.fan`, displayName: "fan", type: "TaskGroup", phase, boundaryID: WF },
            ...items.map((i) => ({ id: `fan-${i}`, name: `${WF}.fan(${i}:${i})`, displayName: `fan(${i}:${i})`, type: "Pod", phase, boundaryID: WF, startedAt: new Date().toISOString(), finishedAt: phase === "Running" ? null : new Date().toISOString(), outputs: { result: String(i) } })),
          ].map((node) => [node.id, node]),
        ),
      },
    });

    await recordSteps(run, status("Running"), defs);
    const [{ rows }] = await db.select({ rows: count() }).from(runSteps).where(eq(runSteps.runId, run.id));
    expect(rows).toBe(4_501);
    const [parent] = await db.select().from(runSteps).where(and(eq(runSteps.runId, run.id), eq(runSteps.key, "fan")));
    const [last] = await db.select().from(runSteps).where(and(eq(runSteps.runId, run.id), eq(runSteps.key, "fan[4499]")));
    expect(last).toMatchObject({ parentId: parent.id, mapIndex: 4499, item: 4499, state: "running", attempt: 1 });

    await recordSteps(run, status("Succeeded"), defs);
    const [{ attempts }] = await db.select({ attempts: count() }).from(stepAttempts).where(eq(stepAttempts.runId, run.id));
    expect(attempts).toBe(4_500);
    const [done] = await db.select().from(runSteps).where(and(eq(runSteps.runId, run.id), eq(runSteps.key, "fan")));
    expect(done.state).toBe("succeeded");
    expect((done.outputs as { out: string[] }).out).toHaveLength(4_500);

    // an older status seen again (a re-list) does not move ended steps back
    await recordSteps(run, status("Running"), defs);
    const [again] = await db.select().from(runSteps).where(and(eq(runSteps.runId, run.id), eq(runSteps.key, "fan[0]")));
    expect(again.state).toBe("succeeded");
  });
});
