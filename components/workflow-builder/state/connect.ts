import { canFeed } from "@/lib/workflows/coercion";
import { effectiveOutputType } from "@/lib/workflows/graph";
import type { Graph } from "@/lib/workflows/model";
import type { ValidationContext } from "@/lib/workflows/validate";
import { CONTROL_HANDLE, parseHandle } from "../flow/geometry";
import { setIn } from "./immutable";
import { portViews, stepSignature } from "./signature";
import { downstreamOf, updateStep } from "./spec-ops";

export type ConnectionRequest = { source: string; sourceHandle?: string | null; target: string; targetHandle?: string | null };
export type ConnectionCheck = { ok: true; apply: (graph: Graph) => Graph; note?: string } | { ok: false; reason: string };

/** Whether dragging from an output (or control) handle to an input (or control) handle makes a valid edge, and how. */
export function checkConnection(graph: Graph, request: ConnectionRequest, context: ValidationContext): ConnectionCheck {
  const from = graph.steps.find((step) => step.name === request.source);
  const to = graph.steps.find((step) => step.name === request.target);
  if (!from || !to) return { ok: false, reason: "Both ends must be steps of this level." };
  if (from.name === to.name) return { ok: false, reason: `"${from.name}" cannot depend on itself.` };
  const source = parseHandle(request.sourceHandle ?? CONTROL_HANDLE);
  const target = parseHandle(request.targetHandle ?? CONTROL_HANDLE);
  if (source.kind !== target.kind) {
    return { ok: false, reason: "Connect an output to an input port, or the control handle (run after) to a control handle." };
  }
  if (downstreamOf(graph, to.name).has(from.name)) {
    return { ok: false, reason: `That would create a cycle: "${from.name}" already runs after "${to.name}".` };
  }
  if (source.kind === "control" || target.kind === "control") {
    if (to.dependsOn.includes(from.name)) return { ok: false, reason: `"${to.name}" already runs after "${from.name}".` };
    return { ok: true, apply: (g) => updateStep(g, to.name, (step) => ({ ...step, dependsOn: [...step.dependsOn, from.name] })) };
  }
  const output = from.outputs.find((candidate) => candidate.name === source.name);
  if (!output) return { ok: false, reason: `"${from.name}" has no output "${source.name}".` };
  const port = portViews(to, stepSignature(to, context)).find((candidate) => candidate.name === target.name);
  if (!port) return { ok: false, reason: `"${to.name}" has no input "${target.name}".` };
  const outputType = effectiveOutputType(from, output);
  if (!canFeed(outputType, port.type)) {
    const mapped = from.map ? " (a mapped step's outputs are JSON lists)" : "";
    return { ok: false, reason: `Type mismatch: output "${output.name}" of "${from.name}" is ${outputType}${mapped}, but input "${port.name}" of "${to.name}" expects ${port.type}.` };
  }
  const value = { from: "step" as const, step: from.name, output: output.name };
  const existing = to.inputs.find((candidate) => candidate.name === port.name);
  const note = existing?.value ? `Input "${port.name}" of "${to.name}" now reads "${from.name}.${output.name}" instead of its previous value.` : undefined;
  return {
    ok: true,
    note,
    apply: (g) =>
      updateStep(g, to.name, (step) => {
        const index = step.inputs.findIndex((candidate) => candidate.name === port.name);
        if (index >= 0) return setIn(step, ["inputs", index, "value"], value);
        return { ...step, inputs: [...step.inputs, { name: port.name, type: port.type, required: port.required, value }] };
      }),
  };
}
