import { Graph as DagreGraph, layout as dagreLayout } from "@dagrejs/dagre";
import { graphEdges } from "@/lib/workflows/graph";
import type { Graph, Step, WorkflowSpec } from "@/lib/workflows/model";
import type { XY } from "../state/spec-ops";
import { NODE_WIDTH, nodeHeight } from "./geometry";

const RANK_GAP = 110;
const NODE_GAP = 36;

/**
 * dagre's crossing minimisation grows much faster than linear: ~1 s for 1,000 steps in narrow
 * chains but over a minute when layers are hundreds of steps wide. Above this size the fast
 * layered layout below is used instead.
 */
export const DAGRE_MAX_STEPS = 300;
/** Opening a workflow without positions should stay fast, so dagre runs on open only for small levels. */
const DAGRE_ON_OPEN_MAX_STEPS = 50;

export function estimatedHeight(step: Step): number {
  return nodeHeight({ inputs: step.inputs.map((p) => p.name), outputs: step.outputs.map((o) => o.name), childRows: 0 });
}

function edgesOf(graph: Graph): [string, string][] {
  const names = new Set(graph.steps.map((step) => step.name));
  const seen = new Set<string>();
  const result: [string, string][] = [];
  for (const edge of graphEdges(graph)) {
    const key = `${edge.from}\u0000${edge.to}`;
    if (edge.from === edge.to || !names.has(edge.from) || !names.has(edge.to) || seen.has(key)) continue;
    seen.add(key);
    result.push([edge.from, edge.to]);
  }
  return result;
}

/** Positions for every step of one graph level, left to right. */
export function layoutGraph(graph: Graph, heightOf: (step: Step) => number = estimatedHeight): Map<string, XY> {
  if (graph.steps.length === 0) return new Map();
  return graph.steps.length <= DAGRE_MAX_STEPS ? dagrePositions(graph, heightOf) : layeredPositions(graph, heightOf);
}

function dagrePositions(graph: Graph, heightOf: (step: Step) => number): Map<string, XY> {
  const g = new DagreGraph();
  g.setGraph({ rankdir: "LR", nodesep: NODE_GAP, ranksep: RANK_GAP, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  const heights = new Map<string, number>();
  for (const step of graph.steps) {
    const height = heightOf(step);
    heights.set(step.name, height);
    g.setNode(step.name, { width: NODE_WIDTH, height });
  }
  for (const [from, to] of edgesOf(graph)) g.setEdge(from, to);
  dagreLayout(g);
  const positions = new Map<string, XY>();
  for (const step of graph.steps) {
    const node = g.node(step.name) as { x: number; y: number } | undefined;
    if (!node) continue;
    positions.set(step.name, { x: Math.round(node.x - NODE_WIDTH / 2), y: Math.round(node.y - (heights.get(step.name) ?? 0) / 2) });
  }
  return positions;
}

/** Longest-path layers, ordered by the mean row of each step's parents; linear in steps and edges. */
export function layeredPositions(graph: Graph, heightOf: (step: Step) => number = estimatedHeight): Map<string, XY> {
  const parents = new Map<string, string[]>(graph.steps.map((step) => [step.name, []]));
  for (const [from, to] of edgesOf(graph)) parents.get(to)?.push(from);
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  const depthOf = (start: string): number => {
    // iterative DFS: recursion would overflow on long chains
    const stack: string[] = [start];
    while (stack.length > 0) {
      const name = stack[stack.length - 1];
      if (depth.has(name)) {
        stack.pop();
        continue;
      }
      visiting.add(name);
      const pending = (parents.get(name) ?? []).filter((parent) => !depth.has(parent) && !visiting.has(parent));
      if (pending.length > 0) {
        stack.push(...pending);
        continue;
      }
      const value = Math.max(-1, ...(parents.get(name) ?? []).map((parent) => depth.get(parent) ?? -1)) + 1;
      depth.set(name, value);
      visiting.delete(name);
      stack.pop();
    }
    return depth.get(start) ?? 0;
  };
  const layers: Step[][] = [];
  for (const step of graph.steps) {
    const d = depthOf(step.name);
    (layers[d] ??= []).push(step);
  }
  const order = new Map<string, number>();
  const positions = new Map<string, XY>();
  layers.forEach((layer, column) => {
    const keyed = layer.map((step, i) => {
      const rows = (parents.get(step.name) ?? []).map((parent) => order.get(parent)).filter((row): row is number => row !== undefined);
      return { step, key: rows.length > 0 ? rows.reduce((a, b) => a + b, 0) / rows.length : i };
    });
    keyed.sort((a, b) => a.key - b.key);
    let y = 0;
    keyed.forEach(({ step }, row) => {
      order.set(step.name, row);
      positions.set(step.name, { x: column * (NODE_WIDTH + RANK_GAP), y });
      y += heightOf(step) + NODE_GAP;
    });
  });
  return positions;
}

/** Gives steps without a position one (all graph levels), laying out levels where any step lacks one. */
export function withPositions(spec: WorkflowSpec): WorkflowSpec {
  const fill = (graph: Graph): Graph => {
    const missing = graph.steps.some((step) => !step.position);
    const positions = missing ? (graph.steps.length <= DAGRE_ON_OPEN_MAX_STEPS ? layoutGraph(graph) : layeredPositions(graph)) : undefined;
    let changed = false;
    const steps = graph.steps.map((step) => {
      let next = step;
      if (!step.position && positions?.has(step.name)) next = { ...next, position: positions.get(step.name) };
      if (next.kind === "group") {
        const group = fill(next.group);
        if (group !== next.group) next = { ...next, group };
      }
      if (next !== step) changed = true;
      return next;
    });
    return changed ? { ...graph, steps } : graph;
  };
  const graph = fill({ inputs: spec.inputs, outputs: spec.outputs, steps: spec.steps });
  return graph.steps === spec.steps ? spec : { ...spec, steps: graph.steps };
}
