import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engineFixture, engineWorker, runToEnd, saveWorkflow, sh, stepByKey } from "@/lib/engine/testing/engine";

let fx: Awaited<ReturnType<typeof engineFixture>>;
const w = engineWorker();
beforeAll(async () => {
  fx = await engineFixture();
  await w.start();
});
afterAll(() => w.stop());

describe("the local engine", () => {
  it("runs a diamond, in order, with outputs flowing", async () => {
    await saveWorkflow(fx.admin, fx.workspaceId, "diamond", {
      steps: [
        sh("a", "echo A"),
        sh("b", "echo B-{{steps.a.outputs.out}}", { dependsOn: ["a"] }),
        sh("c", "echo C", { dependsOn: ["a"] }),
        sh("d", "echo D-{{steps.b.outputs.out}}-{{steps.c.outputs.out}}", { dependsOn: ["b", "c"] }),
      ],
    });
    const run = await runToEnd(fx.admin, fx.workspaceId, "diamond");
    expect(run.state, JSON.stringify(run.steps.map((s) => [s.key, s.state, s.error]))).toBe("succeeded");
    expect(stepByKey(run, "d").outputs).toEqual({ out: "D-B-A-C" });
    const a = stepByKey(run, "a");
    const d = stepByKey(run, "d");
    expect(new Date(d.startedAt!).getTime()).toBeGreaterThanOrEqual(new Date(a.finishedAt!).getTime());
    expect(a.attempts).toHaveLength(1);
    expect(a.attempts[0]).toMatchObject({ attempt: 1, state: "succeeded", exitCode: 0 });
  });
});
