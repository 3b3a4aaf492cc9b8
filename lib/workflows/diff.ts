import { graphEdges, specGraph, type FieldPath, type GraphEdge } from "./graph";
import { EXIT_HANDLER, type Graph, type Step, type StepKind, type WorkflowInput, type WorkflowOutput, type WorkflowSpec } from "./model";

/**
 * A readable, JSON-serialisable diff of two workflow specs.
 *
 * Steps are matched by name within each graph level and groups are compared recursively, so
 * `path` is the path of step names. Field paths address values inside a step or an input/output;
 * in lists of named items (ports, outputs, env vars, headers, group inputs/outputs) the segment
 * after the list is the item's name, not its index, so reordering such a list is not a change.
 * Layout moves (`position`) are reported only in `steps.moved`, so the UI can hide them. Steps of
 * the exit handler have paths starting with EXIT_HANDLER.
 */
export type FieldChange = { path: FieldPath; before?: unknown; after?: unknown };
export type StepSummary = { path: string[]; kind: StepKind; label?: string };
export type StepChange = StepSummary & { changes: FieldChange[] };
export type StepMove = { path: string[]; before?: { x: number; y: number }; after?: { x: number; y: number } };
export type DiffEdge = Omit<GraphEdge, "field"> & { scope: string[] };
export type NamedListDiff<T> = { added: T[]; removed: T[]; changed: { name: string; changes: FieldChange[] }[] };

export type SpecDiff = {
  /** nothing differs, layout included */
  equal: boolean;
  /** only positions differ */
  layoutOnly: boolean;
  description?: { before: string; after: string };
  labels: { added: Record<string, string>; removed: Record<string, string>; changed: { key: string; before: string; after: string }[] };
  inputs: NamedListDiff<WorkflowInput>;
  outputs: NamedListDiff<WorkflowOutput>;
  steps: { added: StepSummary[]; removed: StepSummary[]; changed: StepChange[]; moved: StepMove[] };
  edges: { added: DiffEdge[]; removed: DiffEdge[] };
};

export function diffSpecs(a: WorkflowSpec, b: WorkflowSpec): SpecDiff {
  const steps: SpecDiff["steps"] = { added: [], removed: [], changed: [], moved: [] };
  const edges: SpecDiff["edges"] = { added: [], removed: [] };
  diffGraph(specGraph(a), specGraph(b), [], steps, edges);
  const exitSteps = (spec: WorkflowSpec): Graph => ({ inputs: spec.inputs, outputs: [], steps: spec.onExit ?? [] });
  diffGraph(exitSteps(a), exitSteps(b), [EXIT_HANDLER], steps, edges);
  const diff: SpecDiff = {
    equal: false,
    layoutOnly: false,
    labels: diffLabels(a.labels, b.labels),
    inputs: diffNamedList(a.inputs, b.inputs),
    outputs: diffNamedList(a.outputs, b.outputs),
    steps,
    edges,
  };
  if (a.description !== b.description) diff.description = { before: a.description, after: b.description };
  const semantic =
    diff.description !== undefined ||
    Object.keys(diff.labels.added).length + Object.keys(diff.labels.removed).length + diff.labels.changed.length > 0 ||
    !isEmptyListDiff(diff.inputs) ||
    !isEmptyListDiff(diff.outputs) ||
    steps.added.length + steps.removed.length + steps.changed.length + edges.added.length + edges.removed.length > 0;
  diff.layoutOnly = !semantic && steps.moved.length > 0;
  diff.equal = !semantic && steps.moved.length === 0;
  return diff;
}

function diffGraph(a: Graph, b: Graph, path: string[], steps: SpecDiff["steps"], edges: SpecDiff["edges"]): void {
  const before = byName(a.steps);
  const after = byName(b.steps);
  for (const [name, step] of before) if (!after.has(name)) steps.removed.push(summary(step, [...path, name]));
  for (const [name, step] of after) {
    const old = before.get(name);
    if (!old) {
      steps.added.push(summary(step, [...path, name]));
      continue;
    }
    diffStep(old, step, [...path, name], steps, edges);
  }
  diffEdges(a, b, path, edges);
}

function diffStep(a: Step, b: Step, path: string[], steps: SpecDiff["steps"], edges: SpecDiff["edges"]): void {
  const changes: FieldChange[] = [];
  diffValues(comparable(a), comparable(b), [], changes);
  if (changes.length > 0) steps.changed.push({ ...summary(b, path), changes });
  if (!deepEqual(a.position, b.position)) steps.moved.push(definedOnly({ path, before: a.position, after: b.position }));
  if (a.kind === "group" && b.kind === "group") diffGraph(a.group, b.group, path, steps, edges);
}

/** A step without its layout and without the steps of a group (compared level by level). */
function comparable(step: Step): Record<string, unknown> {
  const { position: _position, ...rest } = step;
  if (rest.kind !== "group") return rest;
  return { ...rest, group: { inputs: rest.group.inputs, outputs: rest.group.outputs } };
}

function diffEdges(a: Graph, b: Graph, scope: string[], edges: SpecDiff["edges"]): void {
  const before = new Map(graphEdges(a).map((edge) => [edgeKey(edge), edge]));
  const after = new Map(graphEdges(b).map((edge) => [edgeKey(edge), edge]));
  for (const [key, edge] of before) if (!after.has(key)) edges.removed.push(diffEdge(edge, scope));
  for (const [key, edge] of after) if (!before.has(key)) edges.added.push(diffEdge(edge, scope));
}

const edgeKey = (edge: GraphEdge) => JSON.stringify([edge.from, edge.to, edge.kind, edge.output ?? null, edge.input ?? null]);

function diffEdge(edge: GraphEdge, scope: string[]): DiffEdge {
  const { field: _field, ...rest } = edge;
  return { ...rest, scope };
}

function summary(step: Step, path: string[]): StepSummary {
  return definedOnly({ path, kind: step.kind, label: step.label });
}

function diffLabels(a: Record<string, string>, b: Record<string, string>): SpecDiff["labels"] {
  const labels: SpecDiff["labels"] = { added: {}, removed: {}, changed: [] };
  for (const [key, value] of Object.entries(a)) {
    if (!(key in b)) labels.removed[key] = value;
    else if (b[key] !== value) labels.changed.push({ key, before: value, after: b[key] });
  }
  for (const [key, value] of Object.entries(b)) if (!(key in a)) labels.added[key] = value;
  return labels;
}

function diffNamedList<T extends { name: string }>(a: T[], b: T[]): NamedListDiff<T> {
  const before = byName(a);
  const after = byName(b);
  const diff: NamedListDiff<T> = { added: [], removed: [], changed: [] };
  for (const [name, item] of before) if (!after.has(name)) diff.removed.push(item);
  for (const [name, item] of after) {
    const old = before.get(name);
    if (!old) {
      diff.added.push(item);
      continue;
    }
    const changes: FieldChange[] = [];
    diffValues(old, item, [], changes);
    if (changes.length > 0) diff.changed.push({ name, changes });
  }
  return diff;
}

const isEmptyListDiff = (diff: NamedListDiff<unknown>) => diff.added.length + diff.removed.length + diff.changed.length === 0;

function byName<T extends { name: string }>(items: readonly T[]): Map<string, T> {
  const map = new Map<string, T>();
  for (const item of items) if (!map.has(item.name)) map.set(item.name, item);
  return map;
}

/** Appends the leaf-level differences between two JSON values. */
function diffValues(a: unknown, b: unknown, path: FieldPath, out: FieldChange[]): void {
  if (deepEqual(a, b)) return;
  if (isNamedListOrEmpty(a) && isNamedListOrEmpty(b)) {
    const before = byName(a);
    const after = byName(b);
    for (const [name, item] of before) if (!after.has(name)) out.push({ path: [...path, name], before: item });
    for (const [name, item] of after) {
      const old = before.get(name);
      if (old) diffValues(old, item, [...path, name], out);
      else out.push({ path: [...path, name], after: item });
    }
    return;
  }
  if (isRecord(a) && isRecord(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) diffValues(a[key], b[key], [...path, key], out);
    return;
  }
  out.push(definedOnly({ path, before: a, after: b }));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A list whose items are objects with unique string names (or an empty list). */
function isNamedListOrEmpty(value: unknown): value is { name: string }[] {
  if (!Array.isArray(value)) return false;
  const names = value.map((item) => (isRecord(item) && typeof item.name === "string" ? item.name : undefined));
  return names.every((name) => name !== undefined) && new Set(names).size === names.length;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((key) => deepEqual(a[key], b[key]));
  }
  return false;
}

/** Drops undefined properties so the result survives JSON round trips unchanged. */
function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
