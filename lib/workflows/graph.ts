import type { Graph, OutputValueSource, Step, StepOutput, ValueSource, ValueType, WorkflowSpec } from "./model";

/** A field inside a step or a spec, e.g. ["inputs", 0, "value"]. */
export type FieldPath = (string | number)[];

/** ["container", "args", 1] → "container.args[1]"; keys that are not identifiers are quoted: `a["x/y"]`. */
export function formatField(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) => {
      if (typeof part === "number") return `[${part}]`;
      const key = String(part);
      return /^[A-Za-z_$][\w$-]*$/.test(key) ? `${i === 0 ? "" : "."}${key}` : `[${JSON.stringify(key)}]`;
    })
    .join("");
}

/** Where a step reads a value source: an input port, an env var, a header or `map.over`. */
export type SourceSite = {
  field: FieldPath;
  source: ValueSource;
  /** "<port>" for input ports, "env.<NAME>", "header.<Name>" or "map.over" */
  target: string;
};

/** A text field that may hold `{{...}}` templates; `port` texts resolve `{{inputs.x}}` in the enclosing graph only. */
export type TextSite = { field: FieldPath; text: string; scope: "step" | "port" };

/**
 * An edge of one graph level. Control edges come from `dependsOn`; data edges from `{ from: "step" }`
 * value sources (ports, env, headers, map.over). `{{steps...}}` template references are not edges:
 * they must point at a step that is already upstream. Edges may name steps that do not exist;
 * `validateWorkflow` reports those.
 */
export type GraphEdge = {
  from: string;
  to: string;
  kind: "control" | "data";
  /** data edges: the output of `from` */
  output?: string;
  /** data edges: the consuming port, or "env.<NAME>", "header.<Name>", "map.over" */
  input?: string;
  /** where the edge is declared inside `to` */
  field: FieldPath;
};

export function stepSources(step: Step): SourceSite[] {
  const sites: SourceSite[] = [];
  step.inputs.forEach((port, i) => {
    if (port.value) sites.push({ field: ["inputs", i, "value"], source: port.value, target: port.name });
  });
  const env = stepEnv(step);
  env?.vars.forEach((envVar, i) => {
    sites.push({ field: [env.key, "env", i, "value"], source: envVar.value, target: `env.${envVar.name}` });
  });
  if (step.kind === "http") {
    step.http.headers.forEach((header, i) => {
      sites.push({ field: ["http", "headers", i, "value"], source: header.value, target: `header.${header.name}` });
    });
  }
  if (step.map) sites.push({ field: ["map", "over"], source: step.map.over, target: "map.over" });
  return sites;
}

export function stepEnv(step: Step) {
  if (step.kind === "container") return { key: "container" as const, vars: step.container.env };
  if (step.kind === "script") return { key: "script" as const, vars: step.script.env };
  return undefined;
}

export function stepTexts(step: Step): TextSite[] {
  const sites: TextSite[] = [];
  const add = (field: FieldPath, text: string | undefined, scope: TextSite["scope"] = "step") => {
    if (text !== undefined) sites.push({ field, text, scope });
  };
  add(["when"], step.when);
  step.inputs.forEach((port, i) => {
    if (port.value?.from === "literal" && typeof port.value.value === "string") add(["inputs", i, "value", "value"], port.value.value, "port");
  });
  for (const site of stepSources(step)) {
    if (site.field[0] !== "inputs" && site.source.from === "literal" && typeof site.source.value === "string") {
      add([...site.field, "value"], site.source.value);
    }
  }
  switch (step.kind) {
    case "container":
      step.container.command.forEach((text, i) => add(["container", "command", i], text));
      step.container.args.forEach((text, i) => add(["container", "args", i], text));
      add(["container", "workingDir"], step.container.workingDir);
      break;
    case "script":
      add(["script", "source"], step.script.source);
      break;
    case "http":
      add(["http", "url"], step.http.url);
      add(["http", "body"], step.http.body);
      add(["http", "successCondition"], step.http.successCondition);
      break;
    case "workflow":
    case "group":
      break;
  }
  return sites;
}

export function graphEdges(graph: Graph): GraphEdge[] {
  const edges: GraphEdge[] = [];
  for (const step of graph.steps) {
    step.dependsOn.forEach((from, i) => edges.push({ from, to: step.name, kind: "control", field: ["dependsOn", i] }));
    for (const site of stepSources(step)) {
      if (site.source.from !== "step") continue;
      edges.push({ from: site.source.step, to: step.name, kind: "data", output: site.source.output, input: site.target, field: site.field });
    }
  }
  return edges;
}

/** Every name reachable from `start` by following `next` (`start` itself only through a cycle). */
export function reachable(start: string, next: ReadonlyMap<string, Iterable<string>>): Set<string> {
  const seen = new Set<string>();
  const queue = [...(next.get(start) ?? [])];
  while (queue.length > 0) {
    const name = queue.pop() as string;
    if (seen.has(name)) continue;
    seen.add(name);
    queue.push(...(next.get(name) ?? []));
  }
  return seen;
}

/**
 * The steps upstream of each step of a graph (transitively, over control and data edges), each set
 * computed when first asked for: validation asks only about steps whose templates read other steps,
 * and every set at once would cost O(steps²) on a long graph.
 */
export function upstreamSteps(graph: Graph): { get(name: string): ReadonlySet<string> | undefined } {
  const parents = new Map<string, Set<string>>(graph.steps.map((step) => [step.name, new Set<string>()]));
  for (const edge of graphEdges(graph)) parents.get(edge.to)?.add(edge.from);
  const known = new Map<string, Set<string>>();
  return {
    get(name) {
      if (!parents.has(name)) return undefined;
      let upstream = known.get(name);
      if (!upstream) known.set(name, (upstream = reachable(name, parents)));
      return upstream;
    },
  };
}

/** A mapped step produces one value per item, so each of its outputs is a JSON list. */
export function effectiveOutputType(step: Step, output: StepOutput): ValueType {
  return step.map ? "json" : output.type;
}

/** The graph of a workflow spec (its top level). */
export function specGraph(spec: WorkflowSpec): Graph {
  return { inputs: spec.inputs, outputs: spec.outputs, steps: spec.steps };
}

/** The exit handler's graph: its steps, reading the workflow's inputs; undefined when there is none. */
export function exitGraph(spec: WorkflowSpec): Graph | undefined {
  return spec.onExit ? { inputs: spec.inputs, outputs: [], steps: spec.onExit } : undefined;
}

/** The step outputs a graph output reads: the one of a step source, every option of a `first` source. */
export function outputValueRefs(value: OutputValueSource): { step: string; output: string }[] {
  if (value.from === "step") return [{ step: value.step, output: value.output }];
  return value.from === "first" ? value.of : [];
}

/** Rewrites the value sources of a graph output (each option of a `first` source as a step source); unchanged ones stay the same object. */
export function mapOutputValue(value: OutputValueSource, map: (source: ValueSource) => ValueSource): OutputValueSource {
  if (value.from !== "first") return map(value);
  let changed = false;
  const of = value.of.map((option) => {
    const mapped = map({ from: "step", ...option });
    if (mapped.from !== "step" || (mapped.step === option.step && mapped.output === option.output)) return option;
    changed = true;
    return { step: mapped.step, output: mapped.output };
  });
  return changed ? { ...value, of } : value;
}

/** Visits every graph level, depth first; `path` is the path of group steps leading to it. */
export function walkGraphs(graph: Graph, visit: (graph: Graph, path: string[]) => void, path: string[] = []): void {
  visit(graph, path);
  for (const step of graph.steps) {
    if (step.kind === "group") walkGraphs(step.group, visit, [...path, step.name]);
  }
}

/** Every `workflow` call in a spec, groups and the exit handler included (deduplicated): what a version records as `calls`. */
export function collectCalls(spec: WorkflowSpec): { workflow: string; version: number }[] {
  const calls = new Map<string, { workflow: string; version: number }>();
  const collect = (graph: Graph) => {
    for (const step of graph.steps) {
      if (step.kind === "workflow") calls.set(`${step.call.workflow}@${step.call.version}`, { ...step.call });
    }
  };
  walkGraphs(specGraph(spec), collect);
  const onExit = exitGraph(spec);
  if (onExit) walkGraphs(onExit, collect);
  return [...calls.values()];
}
