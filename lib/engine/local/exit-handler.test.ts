import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listLogs } from "@/lib/engine/runs/logs";
import type { RunDetail } from "@/lib/engine/runs/schema";
import { engineFixture, engineWorker, runToEnd, saveWorkflow, sh, stepByKey } from "@/lib/engine/testing/engine";

let fx: Awaited<ReturnType<typeof engineFixture>>;
const w = engineWorker();
beforeAll(async () => {
  fx = await engineFixture("exit");
  await w.start();
});
afterAll(() => w.stop());

const stdout = async (run: RunDetail, key: string) =>
  (await listLogs(fx.admin, { workspaceId: fx.workspaceId, runId: run.id, step: stepByKey(run, key).id })).items
    .filter((chunk) => chunk.stream === "stdout")
    .map((chunk) => chunk.text)
    .join("");

describe("the exit handler", () => {
  it("runs after the workflow's steps with the run's inputs and outcome, and the run keeps its outputs", async () => {
    await saveWorkflow(fx.admin, fx.workspaceId, "exit-ok", {
      inputs: [{ name: "to", type: "string", required: false, default: "ops" }],
      outputs: [{ name: "said", type: "string", value: { from: "step", step: "work", output: "out" } }],
      steps: [sh("work", "echo done")],
      onExit: [
        sh("tell", "echo {{inputs.to}}: {{workflow.status}} {{workflow.failures}}"),
        sh("celebrate", "echo hooray", { when: "{{workflow.status}} == Succeeded", dependsOn: ["tell"] }),
        sh("cry", "echo boohoo", { when: "{{workflow.status}} != Succeeded" }),
      ],
    });
    const run = await runToEnd(fx.admin, fx.workspaceId, "exit-ok");
    expect(run.state, JSON.stringify(run.steps.map((s) => [s.key, s.state, s.error]))).toBe("succeeded");
    expect(run.outputs).toEqual({ said: "done" });
    expect(Object.fromEntries(run.steps.map((s) => [s.key, s.state]))).toEqual({ work: "succeeded", "@onExit": "succeeded", "@onExit/tell": "succeeded", "@onExit/celebrate": "succeeded", "@onExit/cry": "skipped" });
    expect(await stdout(run, "@onExit/tell")).toBe("ops: Succeeded []\n");
    expect(new Date(stepByKey(run, "@onExit/tell").startedAt!).getTime()).toBeGreaterThanOrEqual(new Date(stepByKey(run, "work").finishedAt!).getTime());
  });

  it("fails a run that succeeded when it fails, and runs after steps that failed", async () => {
    await saveWorkflow(fx.admin, fx.workspaceId, "exit-fails", { steps: [sh("work", "echo done")], onExit: [sh("cleanup", "exit 3")] });
    const failing = await runToEnd(fx.admin, fx.workspaceId, "exit-fails");
    expect([failing.state, stepByKey(failing, "@onExit").state, stepByKey(failing, "@onExit/cleanup").exitCode]).toEqual(["failed", "failed", 3]);

    await saveWorkflow(fx.admin, fx.workspaceId, "exit-after-failure", { steps: [sh("work", "exit 1"), sh("next", "echo never", { dependsOn: ["work"] })], onExit: [sh("report", "echo {{workflow.status}}")] });
    const failed = await runToEnd(fx.admin, fx.workspaceId, "exit-after-failure");
    expect([failed.state, stepByKey(failed, "next").state, stepByKey(failed, "@onExit/report").state]).toEqual(["failed", "omitted", "succeeded"]);
    expect(await stdout(failed, "@onExit/report")).toBe("Failed\n");
  });
});
