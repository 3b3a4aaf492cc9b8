import { graphEdges, mapOutputValue, reachable, specGraph, stepSources, stepTexts, type GraphEdge } from "@/lib/workflows/graph";
import type { Graph, Step, StepKind, ValueSource, WorkflowSpec } from "@/lib/workflows/model";
import { formatTemplateRef, replaceTemplates } from "@/lib/workflows/templates";
import { STEP_NAME_MAX } from "@/lib/workflows/limits";
import { STEP_NAME } from "@/lib/workflows/validate";
import { setIn } from "./immutable";

/** Pure operations on a spec and its graph levels; every one returns new objects and keeps untouched ones. */

/** The group steps leading to a graph level ([] is the workflow itself). */
export type GraphPath = readonly string[];
export type XY = { x: number; y: number };

export function graphAt(spec: WorkflowSpec, path: GraphPath): Graph | undefined {
  let graph: Graph = specGraph(spec);
  for (const name of path) {
    const step = graph.steps.find((candidate) => candidate.name === name);
    if (!step || step.kind !== "group") return undefined;
    graph = step.group;
  }
  return graph;
}

/** The longest prefix of `path` that still names group levels of `spec`. */
export function validPath(spec: WorkflowSpec, path: GraphPath): string[] {
  const valid: string[] = [];
  for (const name of path) {
    if (!graphAt(spec, [...valid, name])) break;
    valid.push(name);
  }
  return valid;
}

export function updateGraphAt(spec: WorkflowSpec, path: GraphPath, recipe: (graph: Graph) => Graph): WorkflowSpec {
  if (path.length === 0) {
    const before = specGraph(spec);
    const after = recipe(before);
    if (after.steps === spec.steps && after.inputs === spec.inputs && after.outputs === spec.outputs) return spec;
    return { ...spec, inputs: after.inputs, outputs: after.outputs, steps: after.steps };
  }
  return updateGraphAt(spec, [], (top) => updateNestedGraph(top, path, recipe));
}

function updateNestedGraph(graph: Graph, path: GraphPath, recipe: (graph: Graph) => Graph): Graph {
  if (path.length === 0) return recipe(graph);
  const [head, ...rest] = path;
  return updateStep(graph, head, (step) => {
    if (step.kind !== "group") return step;
    const group = updateNestedGraph(step.group, rest, recipe);
    return group === step.group ? step : { ...step, group };
  });
}

export function updateStep(graph: Graph, name: string, recipe: (step: Step) => Step): Graph {
  let changed = false;
  const steps = graph.steps.map((step) => {
    if (step.name !== name) return step;
    const next = recipe(step);
    if (next !== step) changed = true;
    return next;
  });
  return changed ? { ...graph, steps } : graph;
}

// ---------------------------------------------------------------------------------------------
// Names

export function uniqueName(base: string, taken: ReadonlySet<string>): string {
  const clean = sanitizeStepName(base) || "step";
  if (!taken.has(clean)) return clean;
  const stem = clean.replace(/-\d+$/, "");
  for (let i = 2; ; i++) {
    const suffix = `-${i}`;
    const candidate = `${stem.slice(0, STEP_NAME_MAX - suffix.length)}${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
}

export function sanitizeStepName(text: string): string {
  return text
    .trim()
    .replace(/[^a-zA-Z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, STEP_NAME_MAX)
    .replace(/-+$/g, "");
}

/** Why a new step name cannot be used at this level, or undefined when it can. */
export function stepNameError(graph: Graph, current: string, next: string): string | undefined {
  if (next === current) return undefined;
  if (next.length === 0) return "A step needs a name.";
  if (next.length > STEP_NAME_MAX) return `At most ${STEP_NAME_MAX} characters.`;
  if (!STEP_NAME.test(next)) return "Use letters, digits and '-', starting and ending with a letter or digit.";
  if (graph.steps.some((step) => step.name === next)) return `Another step is already named "${next}".`;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Creating steps

export const KIND_DEFAULT_NAMES: Record<StepKind, string> = { container: "container", script: "script", http: "http", workflow: "call", group: "group" };

export function newStep(kind: StepKind, name: string, position: XY): Step {
  const common = { name, position: roundXY(position), inputs: [], outputs: [], dependsOn: [], continueOnFailure: false };
  switch (kind) {
    case "container":
      return { ...common, kind, container: { image: "alpine:3.20", command: [], args: [], env: [] } };
    case "script":
      return { ...common, kind, script: { image: "python:3.12-slim", language: "python", source: 'print("hello")\n', env: [] } };
    case "http":
      return { ...common, kind, http: { method: "GET", url: "https://example.com/", headers: [] } };
    case "workflow":
      return { ...common, kind, call: { workflow: "", version: 1 } };
    case "group":
      return { ...common, kind, group: { inputs: [], outputs: [], steps: [] } };
  }
}

export function addStep(graph: Graph, kind: StepKind, position: XY): { graph: Graph; name: string } {
  const name = uniqueName(KIND_DEFAULT_NAMES[kind], new Set(graph.steps.map((step) => step.name)));
  return { graph: { ...graph, steps: [...graph.steps, newStep(kind, name, position)] }, name };
}

export function roundXY(position: XY): XY {
  return { x: Math.round(position.x), y: Math.round(position.y) };
}

// ---------------------------------------------------------------------------------------------
// References between steps

/** Rewrites references to steps (dependsOn, `from: step` sources, `{{steps.x...}}` templates) inside one step. */
export function renameRefsInStep(step: Step, renames: ReadonlyMap<string, string>): Step {
  let next = step;
  if (step.dependsOn.some((name) => renames.has(name))) {
    next = { ...next, dependsOn: step.dependsOn.map((name) => renames.get(name) ?? name) };
  }
  for (const site of stepSources(step)) {
    if (site.source.from === "step" && renames.has(site.source.step)) {
      next = setIn(next, site.field, { ...site.source, step: renames.get(site.source.step) });
    }
  }
  for (const site of stepTexts(step)) {
    const text = replaceTemplates(site.text, (ref, raw) => (ref.kind === "step" && renames.has(ref.step) ? formatTemplateRef({ ...ref, step: renames.get(ref.step) as string }) : raw));
    if (text !== site.text) next = setIn(next, site.field, text);
  }
  return next;
}

function renameRefsInSource(source: ValueSource, renames: ReadonlyMap<string, string>): ValueSource {
  return source.from === "step" && renames.has(source.step) ? { ...source, step: renames.get(source.step) as string } : source;
}

/** Follows a renamed output of `stepName` in the steps and graph outputs that read it. */
export function renameOutputRefs(graph: Graph, stepName: string, from: string, to: string): Graph {
  if (from === to) return graph;
  const rename = (source: ValueSource): ValueSource => (source.from === "step" && source.step === stepName && source.output === from ? { ...source, output: to } : source);
  const steps = graph.steps.map((step) => {
    let next = step;
    for (const site of stepSources(step)) {
      const renamed = rename(site.source);
      if (renamed !== site.source) next = setIn(next, site.field, renamed);
    }
    for (const site of stepTexts(step)) {
      const text = replaceTemplates(site.text, (ref, raw) => (ref.kind === "step" && ref.step === stepName && ref.output === from ? formatTemplateRef({ ...ref, output: to }) : raw));
      if (text !== site.text) next = setIn(next, site.field, text);
    }
    return next;
  });
  const outputs = graph.outputs.map((output) => {
    const value = mapOutputValue(output.value, rename);
    return value === output.value ? output : { ...output, value };
  });
  return { ...graph, steps, outputs };
}

/** Follows a renamed graph input in the `from: input` sources of its steps and outputs (templates are left alone). */
export function renameInputRefs(graph: Graph, from: string, to: string): Graph {
  if (from === to) return graph;
  const rename = (source: ValueSource): ValueSource => (source.from === "input" && source.name === from ? { ...source, name: to } : source);
  const steps = graph.steps.map((step) => {
    let next = step;
    for (const site of stepSources(step)) {
      const renamed = rename(site.source);
      if (renamed !== site.source) next = setIn(next, site.field, renamed);
    }
    return next;
  });
  const outputs = graph.outputs.map((output) => {
    const value = mapOutputValue(output.value, rename);
    return value === output.value ? output : { ...output, value };
  });
  return { ...graph, steps, outputs };
}

export function renameStep(graph: Graph, from: string, to: string): Graph {
  const renames = new Map([[from, to]]);
  const steps = graph.steps.map((step) => {
    const renamed = renameRefsInStep(step, renames);
    return renamed.name === from ? { ...renamed, name: to } : renamed;
  });
  const outputs = graph.outputs.map((output) => {
    const value = mapOutputValue(output.value, (source) => renameRefsInSource(source, renames));
    return value === output.value ? output : { ...output, value };
  });
  return { ...graph, steps, outputs };
}

/** A source that no longer has a step to read from: ports become unset, other places an empty literal. */
function detachSource(step: Step, field: (string | number)[]): Step {
  if (field[0] === "inputs") return setIn(step, field, undefined);
  if (field[0] === "map") return setIn(step, field, { from: "literal", value: [] });
  return setIn(step, field, { from: "literal", value: "" });
}

/** Removes steps, the control edges to them and the data sources that read them. */
export function removeSteps(graph: Graph, names: ReadonlySet<string>): Graph {
  if (names.size === 0) return graph;
  const steps = graph.steps
    .filter((step) => !names.has(step.name))
    .map((step) => {
      let next = step;
      if (step.dependsOn.some((name) => names.has(name))) next = { ...next, dependsOn: step.dependsOn.filter((name) => !names.has(name)) };
      for (const site of stepSources(step)) {
        if (site.source.from === "step" && names.has(site.source.step)) next = detachSource(next, site.field);
      }
      return next;
    });
  return { ...graph, steps };
}

export type EdgeRef = Pick<GraphEdge, "from" | "to" | "kind" | "output" | "input">;

/** Removes one control or data edge; a data edge is found again by its consuming place, not its index. */
export function removeEdge(graph: Graph, edge: EdgeRef): Graph {
  return updateStep(graph, edge.to, (step) => {
    if (edge.kind === "control") return { ...step, dependsOn: step.dependsOn.filter((name) => name !== edge.from) };
    const site = stepSources(step).find((s) => s.target === edge.input && s.source.from === "step" && s.source.step === edge.from && s.source.output === edge.output);
    return site ? detachSource(step, site.field) : step;
  });
}

export function removeEdges(graph: Graph, edges: readonly EdgeRef[]): Graph {
  return edges.reduce(removeEdge, graph);
}

export function setPositions(graph: Graph, positions: ReadonlyMap<string, XY>): Graph {
  let changed = false;
  const steps = graph.steps.map((step) => {
    const position = positions.get(step.name);
    if (!position) return step;
    const rounded = roundXY(position);
    if (step.position && step.position.x === rounded.x && step.position.y === rounded.y) return step;
    changed = true;
    return { ...step, position: rounded };
  });
  return changed ? { ...graph, steps } : graph;
}

// ---------------------------------------------------------------------------------------------
// Copy and paste

/**
 * Adds copies of `steps` with fresh names. References between the copies follow the new names;
 * references to steps that do not exist at the target level are dropped.
 */
export function pasteSteps(graph: Graph, steps: readonly Step[], offset: XY): { graph: Graph; names: string[] } {
  const taken = new Set(graph.steps.map((step) => step.name));
  const renames = new Map<string, string>();
  for (const step of steps) {
    const name = uniqueName(taken.has(step.name) ? `${step.name.replace(/-copy(-\d+)?$/, "")}-copy` : step.name, taken);
    taken.add(name);
    renames.set(step.name, name);
  }
  const existing = new Set(graph.steps.map((step) => step.name));
  const known = (name: string) => existing.has(name) || [...renames.values()].includes(name);
  const copies = steps.map((original) => {
    let step = renameRefsInStep(structuredClone(original), renames);
    step = { ...step, name: renames.get(original.name) as string };
    if (step.dependsOn.some((name) => !known(name))) step = { ...step, dependsOn: step.dependsOn.filter(known) };
    for (const site of stepSources(step)) {
      if (site.source.from === "step" && !known(site.source.step)) step = detachSource(step, site.field);
    }
    const position = original.position ?? { x: 0, y: 0 };
    return { ...step, position: roundXY({ x: position.x + offset.x, y: position.y + offset.y }) };
  });
  return { graph: { ...graph, steps: [...graph.steps, ...copies] }, names: copies.map((step) => step.name) };
}

// ---------------------------------------------------------------------------------------------
// Graph queries

/** Steps reachable downstream from `start` over control and data edges (start excluded). */
export function downstreamOf(graph: Graph, start: string): Set<string> {
  const children = new Map<string, string[]>();
  for (const edge of graphEdges(graph)) {
    const list = children.get(edge.from) ?? [];
    list.push(edge.to);
    children.set(edge.from, list);
  }
  return reachable(start, children);
}
