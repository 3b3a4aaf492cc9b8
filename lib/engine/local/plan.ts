import { graphEdges, specGraph, stepSources, stepTexts } from "@/lib/workflows/graph";
import { parseTemplates } from "@/lib/workflows/templates";
import type { Graph, Step, WorkflowSpec } from "@/lib/workflows/model";
import { topLevelStep } from "./exit-handler";

/** One graph level as the scheduler needs it: each step's upstream and downstream steps. */
export type LevelPlan = {
  graph: Graph;
  steps: Map<string, Step>;
  upstream: Map<string, string[]>;
  downstream: Map<string, string[]>;
};

const plans = new WeakMap<Graph, LevelPlan>();

export function levelPlan(graph: Graph): LevelPlan {
  const cached = plans.get(graph);
  if (cached) return cached;
  const steps = new Map(graph.steps.map((step) => [step.name, step]));
  const upstream = new Map<string, Set<string>>(graph.steps.map((step) => [step.name, new Set()]));
  const downstream = new Map<string, Set<string>>(graph.steps.map((step) => [step.name, new Set()]));
  for (const edge of graphEdges(graph)) {
    if (!steps.has(edge.from) || !steps.has(edge.to) || edge.from === edge.to) continue;
    upstream.get(edge.to)!.add(edge.from);
    downstream.get(edge.from)!.add(edge.to);
  }
  const plan: LevelPlan = {
    graph,
    steps,
    upstream: new Map([...upstream].map(([name, set]) => [name, [...set]])),
    downstream: new Map([...downstream].map(([name, set]) => [name, [...set]])),
  };
  plans.set(graph, plan);
  return plan;
}

const topGraphs = new WeakMap<WorkflowSpec, Graph>();

/**
 * The top level of a run's spec as one graph object per spec (versions never change), so that its
 * level plan is built once rather than at every step.
 */
export function topGraph(spec: WorkflowSpec): Graph {
  let graph = topGraphs.get(spec);
  if (!graph) topGraphs.set(spec, (graph = specGraph(spec)));
  return graph;
}

/** The graph a step row belongs to: the top level, or the nested graph of the group steps on its key path. */
export function graphAt(spec: WorkflowSpec, groupPath: readonly string[]): Graph {
  let graph = topGraph(spec);
  for (const [i, name] of groupPath.entries()) {
    const step = i === 0 ? topLevelStep(spec, name) : graph.steps.find((candidate) => candidate.name === name);
    if (!step || step.kind !== "group") throw new Error(`no group "${name}" in this workflow version`);
    graph = step.group;
  }
  return graph;
}

/**
 * A step row's key is its path: group names and map indexes, e.g. "outer[2]/inner". The groups
 * on the path (without indexes) name its graph; the last segment names the step.
 */
export function parseKey(key: string): { groupPath: string[]; name: string; mapIndex?: number } {
  const segments = key.split("/");
  const strip = (segment: string) => segment.replace(/\[\d+\]$/, "");
  const last = segments[segments.length - 1];
  const index = /\[(\d+)\]$/.exec(last);
  return { groupPath: segments.slice(0, -1).map(strip), name: strip(last), mapIndex: index ? Number(index[1]) : undefined };
}

export const childKey = (parentKey: string | null, name: string) => (parentKey ? `${parentKey}/${name}` : name);
export const itemKey = (parentKey: string, index: number) => `${parentKey}[${index}]`;

const referenced = new WeakMap<Step, string[]>();

/** The steps of its level whose outputs a step reads (value sources and `{{steps.…}}` templates). */
export function readsOutputsOf(step: Step): string[] {
  let names = referenced.get(step);
  if (!names) {
    const found = new Set<string>();
    for (const site of stepSources(step)) {
      if (site.source.from === "step") found.add(site.source.step);
    }
    for (const site of stepTexts(step)) for (const token of parseTemplates(site.text)) if (token.ref.kind === "step") found.add(token.ref.step);
    names = [...found];
    referenced.set(step, names);
  }
  return names;
}
