import { describe, expect, it } from "vitest";
import { canFeed, literalFits } from "./coercion";
import { collectCalls, mapOutputValue, upstreamSteps } from "./graph";
import type { OutputValueSource, ValueSource } from "./model";
import { applyLayeredLayout, layeredPositions } from "./layout";
import { buildSpec, container, diamond } from "./spec.testing";
import { isSingleTemplate, parseTemplates, replaceTemplates } from "./templates";

describe("templates", () => {
  it("parses the Sluice template references", () => {
    expect(parseTemplates("{{inputs.a}} {{ steps.s-1.outputs.o_2 }} {{item}} {{\titem.id\n}} {{workflow.name}} {{steps.x}} {{retries}} {{steps.m.outputs.*}} {{workflow.namespace}}")).toEqual([
      { raw: "{{inputs.a}}", ref: { kind: "input", name: "a" } },
      { raw: "{{ steps.s-1.outputs.o_2 }}", ref: { kind: "step", step: "s-1", output: "o_2" } },
      { raw: "{{item}}", ref: { kind: "item" } },
      { raw: "{{\titem.id\n}}", ref: { kind: "item", key: "id" } },
      { raw: "{{workflow.name}}", ref: { kind: "workflow", name: "name" } },
      { raw: "{{steps.x}}", ref: { kind: "unknown", expression: "steps.x" } },
      { raw: "{{retries}}", ref: { kind: "retries" } },
      { raw: "{{steps.m.outputs.*}}", ref: { kind: "step", step: "m", output: "*" } },
      { raw: "{{workflow.namespace}}", ref: { kind: "unknown", expression: "workflow.namespace" } },
    ]);
  });

  it("rewrites tokens and recognises a text that is one template", () => {
    expect(replaceTemplates("a {{inputs.x}} b {{item}}", (ref, raw) => (ref.kind === "input" ? `<${ref.name}>` : raw))).toBe("a <x> b {{item}}");
    expect(isSingleTemplate(" {{item}} ")).toBe(true);
    expect(isSingleTemplate("{{item}}-{{item}}")).toBe(false);
    expect(isSingleTemplate("x{{item}}")).toBe(false);
  });
});

describe("coercion", () => {
  it("lets numbers and booleans feed strings, and nothing else convert", () => {
    expect(canFeed("number", "string")).toBe(true);
    expect(canFeed("boolean", "string")).toBe(true);
    expect(canFeed("json", "string")).toBe(false);
    expect(canFeed("string", "number")).toBe(false);
    expect(canFeed("secret", "string")).toBe(false);
    expect(canFeed("string", "secret")).toBe(false);
    expect(canFeed("json", "json")).toBe(true);
  });

  it("checks literals, leaving single templates to run time", () => {
    expect(literalFits(3, "string")).toBe(true);
    expect(literalFits("3", "number")).toBe(false);
    expect(literalFits("{{item}}", "number")).toBe(true);
    expect(literalFits({ a: 1 }, "json")).toBe(true);
    expect(literalFits([1], "string")).toBe(false);
    expect(literalFits("name", "secret")).toBe(false);
  });
});

describe("graph helpers", () => {
  it("computes the upstream steps of each step", () => {
    const upstream = upstreamSteps(diamond());
    expect([...(upstream.get("D") ?? [])].sort()).toEqual(["A", "B", "C"]);
    expect([...(upstream.get("A") ?? [])]).toEqual([]);
  });

  it("collects the calls of a spec, groups included, once each", () => {
    const call = (name: string, workflow: string, version: number) => ({ name, kind: "workflow", call: { workflow, version } });
    const spec = buildSpec({ steps: [call("a", "x", 1), { name: "g", kind: "group", group: { steps: [call("b", "x", 1), call("c", "y", 2)] } }], onExit: [call("d", "z", 1)] });
    expect(collectCalls(spec)).toEqual([
      { workflow: "x", version: 1 },
      { workflow: "y", version: 2 },
      { workflow: "z", version: 1 },
    ]);
  });

  it("rewrites the sources of a graph output, each option of a first source too, keeping unchanged ones", () => {
    const rename = (source: ValueSource): ValueSource => (source.from === "step" && source.step === "a" ? { ...source, step: "b" } : source);
    const first: OutputValueSource = { from: "first", of: [{ step: "a", output: "o" }, { step: "c", output: "o" }] };
    expect(mapOutputValue(first, rename)).toEqual({ from: "first", of: [{ step: "b", output: "o" }, { step: "c", output: "o" }] });
    const untouched: OutputValueSource = { from: "first", of: [{ step: "c", output: "o" }, { step: "d", output: "o" }] };
    expect(mapOutputValue(untouched, rename)).toBe(untouched);
    expect(mapOutputValue({ from: "step", step: "a", output: "o" }, rename)).toEqual({ from: "step", step: "b", output: "o" });
  });
});

describe("layout", () => {
  it("places steps in columns by depth and rows in declaration order", () => {
    expect(Object.fromEntries(layeredPositions(diamond()))).toEqual({
      A: { x: 0, y: 0 },
      B: { x: 280, y: 0 },
      C: { x: 280, y: 140 },
      D: { x: 560, y: 0 },
    });
  });

  it("survives cycles and lays out groups", () => {
    const spec = buildSpec({
      steps: [container("A", { dependsOn: ["B"] }), container("B", { dependsOn: ["A"] }), { name: "G", kind: "group", group: { steps: [container("x"), container("y", { dependsOn: ["x"] })] } }],
    });
    applyLayeredLayout(spec);
    expect(spec.steps.every((step) => step.position !== undefined)).toBe(true);
    const group = spec.steps[2];
    expect(group.kind === "group" && group.group.steps.map((step) => step.position)).toEqual([
      { x: 0, y: 0 },
      { x: 280, y: 0 },
    ]);
  });
});
