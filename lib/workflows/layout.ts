import { graphEdges } from "./graph";
import type { Graph } from "./model";

export const LAYER_GAP = 280;
export const ROW_GAP = 140;

/**
 * A simple layered layout for one graph level: a step's column is its depth (longest path from a
 * root over control and data edges), rows follow declaration order. Cycles are cut at back edges.
 */
export function layeredPositions(graph: Graph): Map<string, { x: number; y: number }> {
  const names = graph.steps.map((step) => step.name);
  const parents = new Map<string, string[]>(names.map((name) => [name, []]));
  for (const edge of graphEdges(graph)) {
    if (parents.has(edge.from) && edge.from !== edge.to) parents.get(edge.to)?.push(edge.from);
  }
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  const depthOf = (name: string): number => {
    const known = depth.get(name);
    if (known !== undefined) return known;
    if (visiting.has(name)) return 0;
    visiting.add(name);
    const value = Math.max(-1, ...(parents.get(name) ?? []).map(depthOf)) + 1;
    visiting.delete(name);
    depth.set(name, value);
    return value;
  };
  const rows = new Map<number, number>();
  const positions = new Map<string, { x: number; y: number }>();
  for (const name of names) {
    if (positions.has(name)) continue;
    const column = depthOf(name);
    const row = rows.get(column) ?? 0;
    rows.set(column, row + 1);
    positions.set(name, { x: column * LAYER_GAP, y: row * ROW_GAP });
  }
  return positions;
}

/** Gives every step of a graph, groups included, a layered position (in place). */
export function applyLayeredLayout(graph: Graph): void {
  const positions = layeredPositions(graph);
  for (const step of graph.steps) {
    step.position = positions.get(step.name);
    if (step.kind === "group") applyLayeredLayout(step.group);
  }
}
