import { effectiveOutputType, exitGraph, specGraph } from "../graph";
import { ALL_OUTPUTS, type Graph, type Step, type ValueSource, type ValueType, type WorkflowSpec } from "../model";

/**
 * Argo parameters are untyped strings. An import starts with every value as `string` and this pass
 * upgrades to `json` whatever carries a list: `map.over` sources, ports fed by lists (e.g. a mapped
 * step's outputs), the sources of `json` ports, and group inputs/outputs on both sides of the group
 * boundary. It only ever turns `string` into `json`, so it reaches a fixed point.
 */
export function inferJsonTypes(spec: WorkflowSpec): void {
  const onExit = exitGraph(spec);
  while (inferGraph(specGraph(spec)) || (onExit !== undefined && inferGraph(onExit))) {
    // repeat until nothing changes
  }
}

function inferGraph(graph: Graph): boolean {
  let changed = false;
  for (const step of graph.steps) {
    for (const port of step.inputs) {
      if (!port.value) continue;
      if (port.type === "string" && sourceType(graph, port.value) === "json") changed = setJson(port) || changed;
      if (port.type === "json") changed = markSourceJson(graph, port.value) || changed;
    }
    if (step.map) changed = markSourceJson(graph, step.map.over) || changed;
    if (step.kind === "group") {
      const boundary = inferGroupBoundary(step);
      const inner = inferGraph(step.group);
      changed = boundary || inner || changed;
    }
  }
  for (const output of graph.outputs) {
    const sources: ValueSource[] = output.value.from === "first" ? output.value.of.map((ref) => ({ from: "step", ...ref })) : [output.value];
    if (output.type === "string" && sources.some((source) => sourceType(graph, source) === "json")) changed = setJson(output) || changed;
  }
  return changed;
}

function inferGroupBoundary(step: Extract<Step, { kind: "group" }>): boolean {
  let changed = false;
  for (const port of step.inputs) {
    const input = step.group.inputs.find((candidate) => candidate.name === port.name);
    if (!input || (port.type !== "json" && input.type !== "json")) continue;
    changed = setJson(port) || changed;
    changed = setJson(input) || changed;
  }
  for (const output of step.outputs) {
    if (output.source.from !== "workflow") continue;
    const name = output.source.output;
    const inner = step.group.outputs.find((candidate) => candidate.name === name);
    if (inner?.type === "json") changed = setJson(output) || changed;
  }
  return changed;
}

function sourceType(graph: Graph, source: ValueSource): ValueType | undefined {
  if (source.from === "input") return graph.inputs.find((input) => input.name === source.name)?.type;
  if (source.from !== "step") return undefined;
  if (source.output === ALL_OUTPUTS) return "json";
  const step = graph.steps.find((candidate) => candidate.name === source.step);
  const output = step?.outputs.find((candidate) => candidate.name === source.output);
  return step && output ? effectiveOutputType(step, output) : undefined;
}

/** Makes a graph input or a (non-mapped) step output that feeds a list consumer `json`. */
function markSourceJson(graph: Graph, source: ValueSource): boolean {
  if (source.from === "input") {
    const input = graph.inputs.find((candidate) => candidate.name === source.name);
    return input ? setJson(input) : false;
  }
  if (source.from !== "step") return false;
  const step = graph.steps.find((candidate) => candidate.name === source.step);
  const output = step?.outputs.find((candidate) => candidate.name === source.output);
  return step && output && !step.map ? setJson(output) : false;
}

function setJson(target: { type: ValueType }): boolean {
  if (target.type !== "string") return false;
  target.type = "json";
  return true;
}
