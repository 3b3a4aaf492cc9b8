import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engineFixture, engineWorker, runToEnd, stepByKey } from "@/lib/engine/testing/engine";
import { SAMPLE_WORKFLOWS } from "./samples";
import { createWorkflow } from "./service";

let fx: Awaited<ReturnType<typeof engineFixture>>;
const w = engineWorker();
beforeAll(async () => {
  fx = await engineFixture("samples");
  for (const sample of SAMPLE_WORKFLOWS) await createWorkflow(fx.admin, { workspaceId: fx.workspaceId, name: sample.name, spec: sample.spec });
  await w.start();
});
afterAll(() => w.stop());

describe("the demo's sample workflows run as they are", () => {
  it("diamond", async () => {
    const run = await runToEnd(fx.admin, fx.workspaceId, "diamond");
    expect(run.state).toBe("succeeded");
    expect(stepByKey(run, "join").outputs).toEqual({ out: "left-of-ready + right-of-ready" });
  });

  it("fan-out", async () => {
    const run = await runToEnd(fx.admin, fx.workspaceId, "fan-out");
    expect(run.state).toBe("succeeded");
    expect(run.outputs).toEqual({ doubled: ["2", "8", "18", "32", "50"] });
  });

  it("call-greet", async () => {
    const run = await runToEnd(fx.admin, fx.workspaceId, "call-greet");
    expect(run.state).toBe("succeeded");
    expect(stepByKey(run, "print").outputs).toEqual({ out: "The sub-workflow said: Hello, Sluice!" });
    expect(run.children).toHaveLength(1);
  });
});
