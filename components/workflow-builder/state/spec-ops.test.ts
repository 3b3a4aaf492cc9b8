import { describe, expect, it } from "vitest";
import type { Step, WorkflowSpec } from "@/lib/workflows/model";
import { validateWorkflow } from "@/lib/workflows/validate";
import { withPositions } from "../flow/layout";
import { checkConnection } from "./connect";
import { addStep, graphAt, newStep, pasteSteps, removeEdge, removeSteps, renameStep, updateGraphAt, uniqueName } from "./spec-ops";
import { createBuilderStore, initialState, reduce } from "./store";

const context = { secretNames: ["token"], workflows: [] };

function container(name: string, extra: Partial<Step> = {}): Step {
  return { ...newStep("container", name, { x: 0, y: 0 }), ...extra } as Step;
}

function spec(steps: Step[]): WorkflowSpec {
  return { description: "", labels: {}, inputs: [], outputs: [], steps };
}

const producer = container("a", { outputs: [{ name: "out", type: "string", source: { from: "stdout" } }, { name: "list", type: "json", source: { from: "stdout" } }] });
const consumer = container("b", { inputs: [{ name: "text", type: "string", required: true }] });

describe("spec operations", () => {
  it("adds steps with unique names", () => {
    const first = addStep({ inputs: [], outputs: [], steps: [] }, "container", { x: 1, y: 2 });
    const second = addStep(first.graph, "container", { x: 1, y: 2 });
    expect([first.name, second.name]).toEqual(["container", "container-2"]);
    expect(uniqueName("x-copy", new Set(["x-copy", "x-copy-2"]))).toBe("x-copy-3");
  });

  it("connects an output to a port and refuses cycles and type mismatches", () => {
    const graph = { inputs: [], outputs: [], steps: [producer, consumer] };
    const ok = checkConnection(graph, { source: "a", sourceHandle: "out:out", target: "b", targetHandle: "in:text" }, context);
    expect(ok.ok).toBe(true);
    if (!ok.ok) return;
    const connected = ok.apply(graph);
    expect(connected.steps[1].inputs[0].value).toEqual({ from: "step", step: "a", output: "out" });
    const mismatch = checkConnection(graph, { source: "a", sourceHandle: "out:list", target: "b", targetHandle: "in:text" }, context);
    expect(mismatch.ok ? "" : mismatch.reason).toMatch(/Type mismatch/);
    const cycle = checkConnection(connected, { source: "b", sourceHandle: "control", target: "a", targetHandle: "control" }, context);
    expect(cycle.ok ? "" : cycle.reason).toMatch(/cycle/);
    const mixed = checkConnection(graph, { source: "a", sourceHandle: "out:out", target: "b", targetHandle: "control" }, context);
    expect(mixed.ok).toBe(false);
  });

  it("renames a step with its references", () => {
    const b = { ...consumer, dependsOn: ["a"], inputs: [{ name: "text", type: "string" as const, required: true, value: { from: "step" as const, step: "a", output: "out" } }], when: "{{steps.a.outputs.out}} == x" };
    const renamed = renameStep({ inputs: [], outputs: [], steps: [producer, b] }, "a", "first");
    const next = renamed.steps[1];
    expect(renamed.steps[0].name).toBe("first");
    expect(next.dependsOn).toEqual(["first"]);
    expect(next.inputs[0].value).toEqual({ from: "step", step: "first", output: "out" });
    expect(next.when).toBe("{{steps.first.outputs.out}} == x");
  });

  it("removes steps and edges, detaching what read them", () => {
    const b = { ...consumer, dependsOn: ["a"], inputs: [{ name: "text", type: "string" as const, required: true, value: { from: "step" as const, step: "a", output: "out" } }] };
    const graph = { inputs: [], outputs: [], steps: [producer, b] };
    const removed = removeSteps(graph, new Set(["a"]));
    expect(removed.steps.map((s) => s.name)).toEqual(["b"]);
    expect(removed.steps[0].dependsOn).toEqual([]);
    expect(removed.steps[0].inputs[0].value).toBeUndefined();
    const noData = removeEdge(graph, { from: "a", to: "b", kind: "data", output: "out", input: "text" });
    expect(noData.steps[1].inputs[0].value).toBeUndefined();
    expect(noData.steps[1].dependsOn).toEqual(["a"]);
  });

  it("pastes copies with fresh names and internal references", () => {
    const b = { ...consumer, dependsOn: ["a", "gone"], inputs: [{ name: "text", type: "string" as const, required: true, value: { from: "step" as const, step: "a", output: "out" } }] };
    const graph = { inputs: [], outputs: [], steps: [producer, b] };
    const { graph: pasted, names } = pasteSteps(graph, [producer, b], { x: 40, y: 40 });
    expect(names).toEqual(["a-copy", "b-copy"]);
    const copy = pasted.steps[3];
    expect(copy.dependsOn).toEqual(["a-copy"]);
    expect(copy.inputs[0].value).toEqual({ from: "step", step: "a-copy", output: "out" });
    expect(copy.position).toEqual({ x: 40, y: 40 });
    expect(pasteSteps(pasted, [pasted.steps[2]], { x: 0, y: 0 }).names).toEqual(["a-copy-2"]);
  });

  it("edits nested groups", () => {
    const group: Step = { ...newStep("group", "g", { x: 0, y: 0 }), kind: "group", group: { inputs: [], outputs: [], steps: [container("inner")] } } as Step;
    const before = spec([group]);
    const after = updateGraphAt(before, ["g"], (g) => addStep(g, "http", { x: 0, y: 0 }).graph);
    expect(graphAt(after, ["g"])?.steps.map((s) => s.name)).toEqual(["inner", "http"]);
    expect(graphAt(before, ["g"])?.steps).toHaveLength(1);
  });

  it("lays out steps without positions", () => {
    const steps = [container("a"), container("b", { dependsOn: ["a"] })].map(({ position: _p, ...rest }) => rest as Step);
    const laid = withPositions(spec(steps));
    expect(laid.steps.every((s) => s.position)).toBe(true);
    expect(laid.steps[1].position!.x).toBeGreaterThan(laid.steps[0].position!.x);
  });
});

describe("history", () => {
  it("undoes and redoes, coalescing bursts of one field", () => {
    let state = initialState(spec([producer]), 1);
    const setLabel = (label: string) => (s: WorkflowSpec) => ({ ...s, steps: s.steps.map((step) => ({ ...step, label })) });
    state = reduce(state, { type: "edit", recipe: setLabel("x"), key: "label" }, 1000);
    state = reduce(state, { type: "edit", recipe: setLabel("xy"), key: "label" }, 1200);
    state = reduce(state, { type: "edit", recipe: setLabel("other"), key: "desc" }, 1300);
    expect(state.past).toHaveLength(2);
    state = reduce(state, { type: "undo" });
    expect(state.spec.steps[0].label).toBe("xy");
    state = reduce(state, { type: "undo" });
    expect(state.spec.steps[0].label).toBeUndefined();
    state = reduce(state, { type: "redo" });
    expect(state.spec.steps[0].label).toBe("xy");
  });

  it("drops selections of removed steps and notifies subscribers", () => {
    const store = createBuilderStore(initialState(spec([producer, consumer]), 1));
    let calls = 0;
    store.subscribe(() => calls++);
    store.dispatch({ type: "select", names: ["a", "b"] });
    store.dispatch({ type: "edit", recipe: (s) => ({ ...s, steps: s.steps.filter((step) => step.name !== "a") }) });
    expect(store.getState().selection).toEqual(["b"]);
    expect(calls).toBe(2);
  });

  it("keeps a valid new step valid", () => {
    expect(validateWorkflow(spec([newStep("container", "c", { x: 0, y: 0 })]), context)).toEqual([]);
  });
});
