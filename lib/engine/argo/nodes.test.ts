import { describe, expect, it } from "vitest";
import { buildSpec, container } from "@/lib/workflows/spec.testing";
import { observeRunOutputs, observeSteps, runState, stepState } from "./nodes";
import type { ArgoNode, ArgoWorkflowObject } from "./resources";

/**
 * Argo's node graph as Argo writes it for a DAG workflow: the root DAG node is named after the
 * Workflow, every task node `<boundary node name>.<task>` with its DAG instance as boundary, items
 * `<task>(<i>:<item>)` under a TaskGroup, retried attempts `<task>(<n>)` under a Retry node.
 */

const WF = "etl-3f2a9c1b";
const at = (s: number) => new Date(Date.UTC(2030, 0, 1, 0, 0, s)).toISOString();

function node(id: string, name: string, type: string, phase: ArgoNode["phase"], extra: Partial<ArgoNode> = {}): ArgoNode {
  return { id, name, displayName: name.slice(name.lastIndexOf(".") + 1), type, phase, startedAt: at(1), finishedAt: ["Pending", "Running"].includes(phase ?? "") ? null : at(9), ...extra };
}

const callee = buildSpec({ steps: [container("inner", { outputs: [{ name: "result", type: "string", source: { from: "stdout" } }] })] });
const spec = buildSpec({
  inputs: [{ name: "n", type: "number", default: 2 }],
  outputs: [{ name: "total", type: "number", value: { from: "step", step: "a", output: "count" } }],
  steps: [
    container("a", { retry: { limit: 2 }, outputs: [{ name: "count", type: "number", source: { from: "stdout" } }] }),
    { name: "g", kind: "group", dependsOn: ["a"], group: { inputs: [], outputs: [], steps: [container("x")] } },
    container("fan", { map: { over: { from: "literal", value: [1, 2] } }, outputs: [{ name: "out", type: "json", source: { from: "stdout" } }] }),
    container("par", { map: { over: { from: "literal", value: ["p", "q"] }, parallelism: 1 } }),
    { name: "call", kind: "workflow", call: { workflow: "sub", version: 1 } },
    container("never", { dependsOn: ["a"] }),
  ],
  onExit: [container("notify")],
});
const defs = { spec, callees: new Map([["sub@1", callee]]) };

const nodes: ArgoNode[] = [
  node(WF, WF, "DAG", "Failed", { displayName: WF }),
  node("a", `${WF}.a`, "Retry", "Succeeded", { boundaryID: WF, children: ["a0", "a1"], outputs: { result: "7", exitCode: "0" } }),
  node("a0", `${WF}.a(0)`, "Pod", "Failed", { boundaryID: WF, message: "Error (exit code 1)", outputs: { exitCode: "1" }, finishedAt: at(3) }),
  node("a1", `${WF}.a(1)`, "Pod", "Succeeded", { boundaryID: WF, startedAt: at(4), outputs: { result: "7", exitCode: "0" } }),
  node("g", `${WF}.g`, "DAG", "Succeeded", { boundaryID: WF }),
  node("gx", `${WF}.g.x`, "Pod", "Succeeded", { boundaryID: "g", inputs: { parameters: [{ name: "__item", value: "z" }] } }),
  node("fan", `${WF}.fan`, "TaskGroup", "Succeeded", { boundaryID: WF }),
  node("fan0", `${WF}.fan(0:1)`, "Pod", "Succeeded", { boundaryID: WF, outputs: { result: '{"v":1}' } }),
  node("fan1", `${WF}.fan(1:2)`, "Pod", "Succeeded", { boundaryID: WF, outputs: { result: '{"v":2}' } }),
  node("par", `${WF}.par`, "DAG", "Failed", { boundaryID: WF }),
  node("parTg", `${WF}.par.par`, "TaskGroup", "Failed", { boundaryID: "par" }),
  node("par0", `${WF}.par.par(0:p)`, "Pod", "Succeeded", { boundaryID: "par" }),
  node("par1", `${WF}.par.par(1:q)`, "Pod", "Failed", { boundaryID: "par", message: "Pod was active on the node longer than the specified deadline" }),
  node("call", `${WF}.call`, "DAG", "Running", { boundaryID: WF }),
  node("callInner", `${WF}.call.inner`, "Pod", "Pending", { boundaryID: "call" }),
  node("never", `${WF}.never`, "Skipped", "Omitted", { boundaryID: WF, message: "omitted: depends condition not met" }),
  node("exit", `${WF}.onExit`, "DAG", "Running", { displayName: `${WF}.onExit` }),
  node("notify", `${WF}.onExit.notify`, "Pod", "Running", { boundaryID: "exit" }),
];
const wf: ArgoWorkflowObject = {
  metadata: { name: WF, namespace: "team-a", resourceVersion: "42" },
  status: { phase: "Failed", nodes: Object.fromEntries(nodes.map((n) => [n.id, n])), outputs: { parameters: [{ name: "total", value: "7" }] } },
};

describe("Argo's nodes as Sluice's steps", () => {
  const steps = observeSteps(wf, defs, false);
  const byKey = Object.fromEntries(steps.map((step) => [step.key, step]));

  it("keys steps like the local engine: groups, items, wrappers of limited maps, callees and the exit handler", () => {
    expect(steps.map((s) => [s.key, s.parentKey, s.state])).toEqual([
      ["@onExit", null, "running"],
      ["a", null, "succeeded"],
      ["call", null, "running"],
      ["fan", null, "succeeded"],
      ["g", null, "succeeded"],
      ["never", null, "omitted"],
      ["par", null, "failed"],
      ["fan[0]", "fan", "succeeded"],
      ["fan[1]", "fan", "succeeded"],
      ["par[0]", "par", "succeeded"],
      ["par[1]", "par", "timed_out"],
      ["@onExit/notify", "@onExit", "running"],
      ["call/inner", "call", "queued"],
      ["g/x", "g", "succeeded"],
    ]);
    expect(byKey["fan[1]"]).toMatchObject({ name: "fan", kind: "container", mapIndex: 1, item: 2 });
    expect(byKey["par[0]"]).toMatchObject({ mapIndex: 0, item: "p" });
    expect(byKey.call.kind).toBe("workflow");
    expect(byKey["@onExit"].kind).toBe("group");
  });

  it("makes a Retry node's pods the attempts of one step, with their exit codes and the last one's outputs", () => {
    expect(byKey.a).toMatchObject({ attempt: 2, exitCode: 0, outputs: { count: 7 } });
    expect(byKey.a.attempts.map((a) => [a.attempt, a.nodeId, a.state, a.exitCode, a.error])).toEqual([
      [1, "a0", "failed", 1, "Error (exit code 1)"],
      [2, "a1", "succeeded", 0, null],
    ]);
    expect(byKey.a.attemptStartedAt).toEqual(new Date(at(4)));
    // a pod still waiting to be scheduled has not started an attempt
    expect(byKey["call/inner"]).toMatchObject({ attempt: 0, attempts: [] });
    expect(byKey["g/x"].inputs).toBeNull();
  });

  it("collects a mapped step's outputs from its items, typed", () => {
    expect(byKey.fan.outputs).toEqual({ out: [{ v: 1 }, { v: 2 }], "*": [{ out: { v: 1 } }, { out: { v: 2 } }] });
  });

  it("reads the run's state and outputs from the Workflow", () => {
    expect(observeRunOutputs(wf, spec)).toEqual({ total: 7 });
    expect(runState(wf)).toBe("failed");
    expect(runState({ ...wf, spec: { shutdown: "Stop" } })).toBe("cancelled");
    expect(runState({ ...wf, status: { phase: "Running" } })).toBe("running");
    expect(runState({ ...wf, status: { phase: "Failed", message: "Step exceeded its deadline" } })).toBe("timed_out");
  });

  it("maps a stopped run's failures to cancelled", () => {
    expect(stepState({ phase: "Failed", message: "Stopped with strategy 'Stop'" }, false)).toBe("cancelled");
    expect(stepState({ phase: "Error", message: "anything" }, true)).toBe("cancelled");
    expect(stepState({ phase: "Error", message: "OOMKilled" }, false)).toBe("failed");
    expect(stepState({ phase: undefined }, false)).toBe("pending");
  });
});
