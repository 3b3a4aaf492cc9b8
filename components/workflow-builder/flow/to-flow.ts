import type { Edge, Node } from "@xyflow/react";
import { graphEdges } from "@/lib/workflows/graph";
import type { Graph, Step, StepKind, ValueType } from "@/lib/workflows/model";
import type { ValidationContext } from "@/lib/workflows/validate";
import { portViews, stepSignature, type PortView, type Signature } from "../state/signature";
import type { XY } from "../state/spec-ops";
import { CONTROL_HANDLE, MAX_CHILD_ROWS, NODE_WIDTH, inputHandle, nodeHandles, nodeHeight, outputHandle } from "./geometry";

export type StepNodeData = {
  step: Step;
  ports: PortView[];
  outputs: { name: string; type: ValueType }[];
  problems: number;
  expanded: boolean;
  /** group steps: the first nested steps, when expanded */
  children: { name: string; kind: StepKind }[];
  childOverflow: number;
  /** workflow steps: whether the called version exists in this workspace */
  calleeKnown: boolean;
  height: number;
};
export type StepFlowNode = Node<StepNodeData, "step">;

export type StepEdgeData = { kind: "control" | "data"; label?: string; broken?: boolean };
export type StepFlowEdge = Edge<StepEdgeData, "step">;

type NodeInputs = { step: Step; selected: boolean; problems: number; expanded: boolean; signature: Signature | undefined; drag: XY | undefined };

/**
 * Builds React Flow nodes for one graph level and reuses the node object of every step whose
 * inputs did not change, so React Flow and the memoised node components skip them.
 */
export class NodeBuilder {
  private cache = new Map<string, { inputs: NodeInputs; node: StepFlowNode }>();
  private level = "";

  build(
    graph: Graph,
    level: string,
    options: { selection: ReadonlySet<string>; problems: ReadonlyMap<string, number>; expanded: (name: string) => boolean; context: ValidationContext; drag: ReadonlyMap<string, XY> },
  ): StepFlowNode[] {
    if (level !== this.level) {
      this.cache.clear();
      this.level = level;
    }
    const next = new Map<string, { inputs: NodeInputs; node: StepFlowNode }>();
    const nodes = graph.steps.map((step, index) => {
      const inputs: NodeInputs = {
        step,
        selected: options.selection.has(step.name),
        problems: options.problems.get(step.name) ?? 0,
        expanded: step.kind === "group" && options.expanded(step.name),
        signature: stepSignature(step, options.context),
        drag: options.drag.get(step.name),
      };
      const cached = this.cache.get(step.name);
      const node = cached && sameInputs(cached.inputs, inputs) ? cached.node : makeNode(inputs, index);
      next.set(step.name, { inputs, node });
      return node;
    });
    this.cache = next;
    return nodes;
  }
}

function sameInputs(a: NodeInputs, b: NodeInputs): boolean {
  return a.step === b.step && a.selected === b.selected && a.problems === b.problems && a.expanded === b.expanded && a.signature === b.signature && a.drag === b.drag;
}

function makeNode(inputs: NodeInputs, index: number): StepFlowNode {
  const { step } = inputs;
  const ports = portViews(step, inputs.signature);
  const outputs = step.outputs.map((output) => ({ name: output.name, type: step.map ? ("json" as const) : output.type }));
  const nested = step.kind === "group" ? step.group.steps : [];
  const children = inputs.expanded ? nested.slice(0, MAX_CHILD_ROWS).map((child) => ({ name: child.name, kind: child.kind })) : [];
  const childOverflow = inputs.expanded ? Math.max(0, nested.length - MAX_CHILD_ROWS) : 0;
  const shape = { inputs: ports.map((port) => port.name), outputs: outputs.map((output) => output.name), childRows: inputs.expanded ? children.length + (childOverflow > 0 ? 1 : 0) || 1 : 0 };
  const height = nodeHeight(shape);
  const position = inputs.drag ?? step.position ?? { x: (index % 10) * (NODE_WIDTH + 60), y: Math.floor(index / 10) * 200 };
  return {
    id: step.name,
    type: "step",
    position,
    selected: inputs.selected,
    dragging: inputs.drag !== undefined,
    data: { step, ports, outputs, problems: inputs.problems, expanded: inputs.expanded, children, childOverflow, calleeKnown: inputs.signature !== undefined, height },
    width: NODE_WIDTH,
    height,
    measured: { width: NODE_WIDTH, height },
    handles: nodeHandles(shape),
    ariaLabel: `${step.kind} step ${step.name}${inputs.problems ? `, ${inputs.problems} problem${inputs.problems === 1 ? "" : "s"}` : ""}`,
  };
}

export function edgeId(edge: { kind: "control" | "data"; from: string; to: string; output?: string; input?: string }): string {
  return edge.kind === "control" ? `c|${edge.from}|${edge.to}` : `d|${edge.from}|${edge.output}|${edge.to}|${edge.input}`;
}

export function parseEdgeId(id: string): { kind: "control" | "data"; from: string; to: string; output?: string; input?: string } | undefined {
  const parts = id.split("|");
  if (parts[0] === "c" && parts.length === 3) return { kind: "control", from: parts[1], to: parts[2] };
  if (parts[0] === "d" && parts.length === 5) return { kind: "data", from: parts[1], output: parts[2], to: parts[3], input: parts[4] };
  return undefined;
}

export class EdgeBuilder {
  private cache = new Map<string, StepFlowEdge>();

  build(graph: Graph, selected: ReadonlySet<string>, context: ValidationContext): StepFlowEdge[] {
    const steps = new Map(graph.steps.map((step) => [step.name, step]));
    const next = new Map<string, StepFlowEdge>();
    for (const edge of graphEdges(graph)) {
      const from = steps.get(edge.from);
      const to = steps.get(edge.to);
      if (!from || !to) continue;
      const id = edgeId(edge);
      if (next.has(id)) continue;
      let sourceHandle = CONTROL_HANDLE;
      let targetHandle = CONTROL_HANDLE;
      let label: string | undefined;
      let broken = false;
      if (edge.kind === "data") {
        if (from.outputs.some((output) => output.name === edge.output)) sourceHandle = outputHandle(edge.output as string);
        else broken = true;
        const isPort = edge.input !== undefined && portViews(to, stepSignature(to, context)).some((port) => port.name === edge.input);
        if (isPort) targetHandle = inputHandle(edge.input as string);
        else label = edge.input;
      }
      const cached = this.cache.get(id);
      const isSelected = selected.has(id);
      if (cached && cached.sourceHandle === sourceHandle && cached.targetHandle === targetHandle && cached.selected === isSelected && cached.data?.label === label && cached.data?.broken === broken) {
        next.set(id, cached);
        continue;
      }
      next.set(id, {
        id,
        type: "step",
        source: edge.from,
        target: edge.to,
        sourceHandle,
        targetHandle,
        selected: isSelected,
        data: { kind: edge.kind, label, broken },
        className: edge.kind === "control" ? "sluice-edge-control" : "sluice-edge-data",
        ariaLabel: edge.kind === "control" ? `${edge.to} runs after ${edge.from}` : `${edge.from}.${edge.output} feeds ${edge.to} ${edge.input}`,
      });
    }
    this.cache = next;
    return [...next.values()];
  }
}
