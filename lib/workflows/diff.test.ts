import { describe, expect, it } from "vitest";
import { diffSpecs } from "./diff";
import type { WorkflowSpec } from "./model";
import { buildSpec, container, diamond } from "./spec.testing";

const clone = (spec: WorkflowSpec): WorkflowSpec => structuredClone(spec);

describe("diffSpecs", () => {
  it("reports nothing for identical specs", () => {
    const diff = diffSpecs(diamond(), diamond());
    expect(diff).toEqual({
      equal: true,
      layoutOnly: false,
      labels: { added: {}, removed: {}, changed: [] },
      inputs: { added: [], removed: [], changed: [] },
      outputs: { added: [], removed: [], changed: [] },
      steps: { added: [], removed: [], changed: [], moved: [] },
      edges: { added: [], removed: [] },
    });
  });

  it("reports added and removed steps with their edges", () => {
    const before = diamond();
    const after = clone(before);
    after.steps = after.steps.filter((step) => step.name !== "C");
    after.steps[2].dependsOn = ["B"];
    after.steps.push(buildSpec({ steps: [container("E", { dependsOn: ["D"], label: "Notify" })] }).steps[0]);
    const diff = diffSpecs(before, after);
    expect(diff.equal).toBe(false);
    expect(diff.steps.added).toEqual([{ path: ["E"], kind: "container", label: "Notify" }]);
    expect(diff.steps.removed).toEqual([{ path: ["C"], kind: "container" }]);
    expect(diff.steps.changed).toEqual([{ path: ["D"], kind: "container", changes: [{ path: ["dependsOn"], before: ["B", "C"], after: ["B"] }] }]);
    expect(diff.edges).toEqual({
      removed: [
        { from: "A", to: "C", kind: "control", scope: [] },
        { from: "C", to: "D", kind: "control", scope: [] },
      ],
      added: [{ from: "D", to: "E", kind: "control", scope: [] }],
    });
  });

  it("reports changed fields with before and after values, by name inside named lists", () => {
    const before = buildSpec({
      steps: [
        container("A", { outputs: [{ name: "out", type: "string", source: { from: "stdout" } }] }),
        container("B", {
          inputs: [{ name: "msg", type: "string", value: { from: "literal", value: "hi" } }],
          container: { image: "busybox:1", env: [{ name: "X", value: { from: "literal", value: "1" } }] },
        }),
      ],
    });
    const after = buildSpec({
      steps: [
        container("A", { outputs: [{ name: "out", type: "string", source: { from: "stdout" } }] }),
        container("B", {
          inputs: [
            { name: "count", type: "number", value: { from: "literal", value: 1 } },
            { name: "msg", type: "string", value: { from: "step", step: "A", output: "out" } },
          ],
          container: { image: "busybox:2", env: [] },
          timeout: "1m",
        }),
      ],
    });
    const diff = diffSpecs(before, after);
    expect(diff.steps.changed).toEqual([
      {
        path: ["B"],
        kind: "container",
        changes: [
          { path: ["inputs", "count"], after: { name: "count", type: "number", required: true, value: { from: "literal", value: 1 } } },
          { path: ["inputs", "msg", "value", "from"], before: "literal", after: "step" },
          { path: ["inputs", "msg", "value", "value"], before: "hi" },
          { path: ["inputs", "msg", "value", "step"], after: "A" },
          { path: ["inputs", "msg", "value", "output"], after: "out" },
          { path: ["container", "image"], before: "busybox:1", after: "busybox:2" },
          { path: ["container", "env", "X"], before: { name: "X", value: { from: "literal", value: "1" } } },
          { path: ["timeout"], after: "1m" },
        ],
      },
    ]);
    expect(diff.edges.added).toEqual([{ from: "A", to: "B", kind: "data", output: "out", input: "msg", scope: [] }]);
  });

  it("reports steps of the exit handler under its path", () => {
    const before = buildSpec({ steps: [container("A")], onExit: [container("notify")] });
    const after = buildSpec({ steps: [container("A")], onExit: [container("notify", { dependsOn: ["cry"] }), container("cry")] });
    const diff = diffSpecs(before, after);
    expect(diff.steps.added).toEqual([{ path: ["@onExit", "cry"], kind: "container" }]);
    expect(diff.steps.changed).toEqual([{ path: ["@onExit", "notify"], kind: "container", changes: [{ path: ["dependsOn"], before: [], after: ["cry"] }] }]);
    expect(diffSpecs(after, buildSpec({ steps: [container("A")] })).steps.removed.map((step) => step.path)).toEqual([
      ["@onExit", "notify"],
      ["@onExit", "cry"],
    ]);
  });

  it("reports a kind change as a change of the step", () => {
    const before = buildSpec({ steps: [container("A")] });
    const after = buildSpec({ steps: [{ name: "A", kind: "http", http: { url: "https://x" } }] });
    const [change] = diffSpecs(before, after).steps.changed;
    expect(change.kind).toBe("http");
    expect(change.changes).toContainEqual({ path: ["kind"], before: "container", after: "http" });
    expect(change.changes).toContainEqual({ path: ["container"], before: { image: "busybox", command: ["echo"], args: ["A"], env: [] } });
    expect(change.changes).toContainEqual({ path: ["http"], after: { method: "GET", url: "https://x", headers: [] } });
  });

  it("reports layout moves separately", () => {
    const before = diamond();
    const after = clone(before);
    after.steps[0].position = { x: 10, y: 20 };
    before.steps[1].position = { x: 0, y: 0 };
    after.steps[1].position = { x: 5, y: 0 };
    const diff = diffSpecs(before, after);
    expect(diff.equal).toBe(false);
    expect(diff.layoutOnly).toBe(true);
    expect(diff.steps.changed).toEqual([]);
    expect(diff.steps.moved).toEqual([
      { path: ["A"], after: { x: 10, y: 20 } },
      { path: ["B"], before: { x: 0, y: 0 }, after: { x: 5, y: 0 } },
    ]);
  });

  it("recurses into groups, with step paths and edge scopes", () => {
    const group = (innerImage: string, edge: boolean) =>
      buildSpec({
        steps: [
          {
            name: "G",
            kind: "group",
            group: {
              inputs: [{ name: "n", type: "string", default: innerImage }],
              steps: [container("x", { container: { image: innerImage } }), container("y", { dependsOn: edge ? ["x"] : [], position: { x: 1, y: edge ? 1 : 2 } })],
            },
          },
        ],
      });
    const diff = diffSpecs(group("a", true), group("b", false));
    expect(diff.steps.changed).toEqual([
      { path: ["G"], kind: "group", changes: [{ path: ["group", "inputs", "n", "default"], before: "a", after: "b" }] },
      { path: ["G", "x"], kind: "container", changes: [{ path: ["container", "image"], before: "a", after: "b" }] },
      { path: ["G", "y"], kind: "container", changes: [{ path: ["dependsOn"], before: ["x"], after: [] }] },
    ]);
    expect(diff.steps.moved).toEqual([{ path: ["G", "y"], before: { x: 1, y: 1 }, after: { x: 1, y: 2 } }]);
    expect(diff.edges.removed).toEqual([{ from: "x", to: "y", kind: "control", scope: ["G"] }]);
  });

  it("reports workflow inputs, outputs, description and labels", () => {
    const before = buildSpec({
      description: "old",
      labels: { team: "data", tier: "1" },
      inputs: [
        { name: "a", type: "string" },
        { name: "b", type: "string" },
      ],
      outputs: [{ name: "o", type: "string", value: { from: "literal", value: "x" } }],
      steps: [container("A")],
    });
    const after = buildSpec({
      description: "new",
      labels: { team: "ml", owner: "me" },
      inputs: [
        { name: "b", type: "number", required: true },
        { name: "c", type: "string" },
      ],
      outputs: [],
      steps: [container("A")],
    });
    const diff = diffSpecs(before, after);
    expect(diff.description).toEqual({ before: "old", after: "new" });
    expect(diff.labels).toEqual({ added: { owner: "me" }, removed: { tier: "1" }, changed: [{ key: "team", before: "data", after: "ml" }] });
    expect(diff.inputs).toEqual({
      added: [{ name: "c", type: "string", required: false }],
      removed: [{ name: "a", type: "string", required: false }],
      changed: [
        {
          name: "b",
          changes: [
            { path: ["type"], before: "string", after: "number" },
            { path: ["required"], before: false, after: true },
          ],
        },
      ],
    });
    expect(diff.outputs.removed).toEqual([{ name: "o", type: "string", value: { from: "literal", value: "x" } }]);
    expect(diff.layoutOnly).toBe(false);
  });

  it("ignores the order of steps and of named lists", () => {
    const before = buildSpec({
      inputs: [
        { name: "a", type: "string" },
        { name: "b", type: "string" },
      ],
      steps: [container("A"), container("B")],
    });
    const after = clone(before);
    after.inputs.reverse();
    after.steps.reverse();
    expect(diffSpecs(before, after).equal).toBe(true);
  });

  it("produces JSON-serialisable output", () => {
    const before = diamond();
    const after = clone(before);
    after.steps[0].position = { x: 1, y: 1 };
    after.steps[3].dependsOn = ["B"];
    after.description = "changed";
    const diff = diffSpecs(before, after);
    expect(JSON.parse(JSON.stringify(diff))).toEqual(diff);
  });
});
