import type { RunState, StepState } from "@/db/schema";
import { ALL_OUTPUTS, EXIT_HANDLER, type Step, type StepOutput, type WorkflowSpec } from "@/lib/workflows/model";
import { topLevelStep } from "../local/exit-handler";
import { readJsonPath } from "../local/http-step";
import { childKey, itemKey, parseKey } from "../local/plan";
import { typedInput, typedOutput } from "../local/values";
import type { ArgoNode, ArgoWorkflowObject } from "./resources";

/**
 * Argo's nodes as Sluice's steps. A node's place comes from its boundary (the DAG instance it runs
 * in) and its display name, so the keys are the local engine's: "name", "group/inner", "fan[3]",
 * "outer[2]/inner", "@onExit/notify"; a `workflow` step's inlined callee nests like a group
 * ("call/inner"). A Retry node is one step whose child pods are its attempts. A mapped step with
 * `parallelism` runs inside a one-task wrapper DAG (see the export): the wrapper is the step, the
 * task group inside it is not a step of its own, and its items are the step's items.
 */

export type Definitions = { spec: WorkflowSpec; callees: ReadonlyMap<string, WorkflowSpec> };

export type ObservedAttempt = {
  attempt: number;
  /** the node of this attempt (its pod's `workflows.argoproj.io/node-id`) */
  nodeId: string;
  /** Argo's node type: only `Pod` attempts have logs */
  type: string;
  state: StepState;
  exitCode: number | null;
  error: string | null;
  outputs: Record<string, unknown> | null;
  startedAt: Date;
  finishedAt: Date | null;
};

export type ObservedStep = {
  key: string;
  parentKey: string | null;
  name: string;
  kind: string;
  mapIndex: number | null;
  item: unknown;
  state: StepState;
  attempt: number;
  inputs: Record<string, unknown> | null;
  outputs: Record<string, unknown> | null;
  exitCode: number | null;
  error: string | null;
  startedAt: Date | null;
  attemptStartedAt: Date | null;
  finishedAt: Date | null;
  /** every started attempt, finished or not */
  attempts: ObservedAttempt[];
};

type Place = { key: string; parentKey: string | null; name: string; mapIndex: number | null; item: unknown };
const ROOT = "root" as const;

const TERMINAL_PHASES = ["Succeeded", "Skipped", "Failed", "Error", "Omitted"];
const LEAF_TYPES = ["Pod", "HTTP", "Container", "Plugin"];

/** Argo's node phase as a step state; `cancelled`: the run was cancelled, so failures are its stop. */
export function stepState(node: Pick<ArgoNode, "phase" | "message">, cancelled: boolean): StepState {
  switch (node.phase) {
    case "Pending":
      return "queued";
    case "Running":
      return "running";
    case "Succeeded":
      return "succeeded";
    case "Skipped":
      return "skipped";
    case "Omitted":
      return "omitted";
    case "Failed":
    case "Error":
      if (cancelled || /stopped with strategy|terminated/i.test(node.message ?? "")) return "cancelled";
      return /deadline/i.test(node.message ?? "") ? "timed_out" : "failed";
    default:
      return "pending";
  }
}

/** The run's state from its Workflow's phase (`running` until it finished). */
export function runState(wf: ArgoWorkflowObject): RunState {
  const phase = wf.status?.phase;
  if (phase === "Succeeded") return "succeeded";
  if (phase === "Failed" || phase === "Error") {
    if (wf.spec?.shutdown) return "cancelled";
    return /deadline/i.test(wf.status?.message ?? "") ? "timed_out" : "failed";
  }
  return "running";
}

/** The step definition a key names: through groups, the exit handler and inlined callees. */
export function definitionAt(defs: Definitions, key: string): Step | undefined {
  const { groupPath, name } = parseKey(key);
  let steps: readonly Step[] | undefined;
  let step: Step | undefined;
  for (const [i, segment] of [...groupPath, name].entries()) {
    step = i === 0 ? topLevelStep(defs.spec, segment) : steps?.find((candidate) => candidate.name === segment);
    if (!step) return undefined;
    steps = step.kind === "group" ? step.group.steps : step.kind === "workflow" ? defs.callees.get(`${step.call.workflow}@${step.call.version}`)?.steps : undefined;
  }
  return step;
}

const date = (text: string | null | undefined) => (text ? new Date(text) : null);

function parseItem(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Where each node sits among the steps: a place, the run itself (ROOT), or nothing (attempts, wrappers' task groups). */
function placer(wf: ArgoWorkflowObject, nodes: Map<string, ArgoNode>, defs: Definitions) {
  const attemptNodes = new Set<string>();
  for (const node of nodes.values()) if (node.type === "Retry") for (const child of node.children ?? []) attemptNodes.add(child);
  const places = new Map<string, Place | typeof ROOT | null>();
  const wfName = wf.metadata.name;

  const place = (node: ArgoNode): Place | typeof ROOT | null => {
    if (places.has(node.id)) return places.get(node.id)!;
    places.set(node.id, null); // a boundary cycle in a malformed status ends here
    let found: Place | typeof ROOT | null = null;
    if (node.name === wfName) found = ROOT;
    else if (node.name === `${wfName}.onExit`) found = { key: EXIT_HANDLER, parentKey: null, name: EXIT_HANDLER, mapIndex: null, item: null };
    else if (!attemptNodes.has(node.id) && node.boundaryID && nodes.has(node.boundaryID)) {
      const boundary = place(nodes.get(node.boundaryID)!);
      if (boundary) found = placeIn(boundary === ROOT ? null : boundary.key, node.displayName ?? node.name.slice(node.name.lastIndexOf(".") + 1));
    }
    places.set(node.id, found);
    return found;
  };

  const placeIn = (baseKey: string | null, displayName: string): Place | null => {
    const item = /^([^()]+)\((\d+):([\s\S]*)\)$/.exec(displayName);
    const name = item ? item[1] : displayName;
    const wrapper = baseKey && !baseKey.endsWith("]") ? definitionAt(defs, baseKey) : undefined;
    const own = wrapper?.map?.parallelism && wrapper.name === name ? baseKey! : childKey(baseKey, name);
    if (!item) return own === baseKey ? null : { key: own, parentKey: baseKey, name, mapIndex: null, item: null };
    const index = Number(item[2]);
    return { key: itemKey(own, index), parentKey: own, name, mapIndex: index, item: parseItem(item[3]) };
  };

  return place;
}

function attemptsOf(node: ArgoNode, nodes: Map<string, ArgoNode>): ArgoNode[] {
  if (node.type === "Retry") {
    const retryIndex = (child: ArgoNode) => Number(/\((\d+)\)$/.exec(child.displayName ?? child.name)?.[1] ?? 0);
    return (node.children ?? []).flatMap((id) => (nodes.has(id) ? [nodes.get(id)!] : [])).sort((a, b) => retryIndex(a) - retryIndex(b));
  }
  return LEAF_TYPES.includes(node.type) ? [node] : [];
}

function rawOutput(step: Step, output: StepOutput, node: ArgoNode): string | undefined {
  const parameter = (name: string) => node.outputs?.parameters?.find((p) => p.name === name)?.value;
  const { source } = output;
  switch (source.from) {
    case "stdout":
    case "body":
      return node.outputs?.result;
    case "file":
      return parameter(output.name);
    case "status":
      return step.kind === "http" ? parameter(output.name) : node.outputs?.exitCode;
    case "workflow":
      return parameter(source.output);
    case "header":
      return undefined;
  }
}

/** A value Argo gave as text, as the declared type (the text itself when it does not convert). */
function typedText(text: string, output: Pick<StepOutput, "name" | "type">): unknown {
  try {
    return typedOutput(text, output);
  } catch {
    return text;
  }
}

function nodeOutputs(step: Step | undefined, node: ArgoNode): Record<string, unknown> | null {
  if (!step || node.phase !== "Succeeded") return null;
  const outputs: Record<string, unknown> = {};
  for (const output of step.outputs) {
    const text = rawOutput(step, output, node);
    if (text === undefined) continue;
    const { source } = output;
    outputs[output.name] = source.from === "body" && source.jsonPath ? readJsonPath(parseItem(text), source.jsonPath) ?? null : typedText(text, output);
  }
  return outputs;
}

function nodeInputs(step: Step | undefined, node: ArgoNode): Record<string, unknown> | null {
  const parameters = node.inputs?.parameters?.filter((p) => !p.name.startsWith("__"));
  if (!parameters?.length) return null;
  const types = new Map(step?.inputs.map((port) => [port.name, port.type]));
  return Object.fromEntries(
    parameters.map((p) => {
      const type = types.get(p.name) ?? "string";
      if (type === "secret") return [p.name, { $secret: p.value ?? "" }];
      try {
        return [p.name, typedInput(p.value ?? "", type, p.name)];
      } catch {
        return [p.name, p.value ?? ""];
      }
    }),
  );
}

const exitCodeOf = (node: ArgoNode | undefined) => (node?.outputs?.exitCode !== undefined && node.outputs.exitCode !== "" ? Number(node.outputs.exitCode) : null);
const errorOf = (state: StepState, node: ArgoNode) => (["failed", "timed_out", "cancelled", "omitted"].includes(state) ? node.message || null : null);

/** Every step the Workflow's status shows, parents before their children. */
export function observeSteps(wf: ArgoWorkflowObject, defs: Definitions, cancelled: boolean): ObservedStep[] {
  const nodes = new Map(Object.values(wf.status?.nodes ?? {}).map((node) => [node.id, node]));
  const place = placer(wf, nodes, defs);
  const steps = new Map<string, ObservedStep>();
  for (const node of nodes.values()) {
    const at = place(node);
    if (!at || at === ROOT || steps.has(at.key)) continue;
    const step = definitionAt(defs, at.key);
    const state = stepState(node, cancelled);
    const attempts = attemptsOf(node, nodes)
      .filter((attempt) => attempt.phase && attempt.phase !== "Pending")
      .map((attempt, i): ObservedAttempt => {
        const attemptState = stepState(attempt, cancelled);
        return {
          attempt: i + 1,
          nodeId: attempt.id,
          type: attempt.type,
          state: attemptState,
          exitCode: exitCodeOf(attempt),
          error: errorOf(attemptState, attempt),
          outputs: nodeOutputs(step, attempt),
          startedAt: date(attempt.startedAt) ?? new Date(),
          finishedAt: TERMINAL_PHASES.includes(attempt.phase!) ? date(attempt.finishedAt) : null,
        };
      });
    const last = attempts[attempts.length - 1];
    steps.set(at.key, {
      ...at,
      kind: step?.kind ?? (node.type === "Pod" ? "container" : node.type === "HTTP" ? "http" : "group"),
      state,
      attempt: attempts.length,
      inputs: nodeInputs(step, node),
      outputs: nodeOutputs(step, node) ?? last?.outputs ?? null,
      exitCode: exitCodeOf(node) ?? last?.exitCode ?? null,
      error: errorOf(state, node),
      startedAt: date(node.startedAt),
      attemptStartedAt: last?.startedAt ?? null,
      finishedAt: TERMINAL_PHASES.includes(node.phase ?? "") ? date(node.finishedAt) : null,
      attempts,
    });
  }
  for (const parent of steps.values()) aggregateItems(parent, steps, definitionAt(defs, parent.key));
  const depth = (key: string) => key.split("/").length + (key.endsWith("]") ? 0.5 : 0);
  return [...steps.values()].sort((a, b) => depth(a.key) - depth(b.key) || a.key.localeCompare(b.key));
}

/** A mapped step's outputs are lists of its items' outputs (and `*`, all of them), as on the local engine. */
function aggregateItems(parent: ObservedStep, steps: Map<string, ObservedStep>, step: Step | undefined) {
  if (!step?.map || parent.mapIndex !== null || parent.state !== "succeeded") return;
  const ran = [...steps.values()]
    .filter((s) => s.parentKey === parent.key && s.mapIndex !== null && s.state !== "skipped" && s.outputs)
    .sort((a, b) => a.mapIndex! - b.mapIndex!);
  const outputs: Record<string, unknown> = {};
  for (const output of step.outputs) outputs[output.name] = ran.map((s) => s.outputs![output.name] ?? null);
  outputs[ALL_OUTPUTS] = ran.map((s) => s.outputs);
  parent.outputs = outputs;
}

/** The run's outputs: the Workflow's global output parameters, typed as the workflow declares them. */
export function observeRunOutputs(wf: ArgoWorkflowObject, spec: WorkflowSpec): Record<string, unknown> | null {
  const parameters = wf.status?.outputs?.parameters;
  if (!parameters) return spec.outputs.length === 0 ? {} : null;
  const outputs: Record<string, unknown> = {};
  for (const output of spec.outputs) {
    const value = parameters.find((p) => p.name === output.name)?.value;
    if (value !== undefined) outputs[output.name] = typedText(value, output);
  }
  return outputs;
}
