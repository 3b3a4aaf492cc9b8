import type { ValueSource } from "../model";
import { replaceTokens, singleTokenExpression } from "../template-syntax";
import { formatTemplateRef } from "../templates";
import { warn, type GraphContext, type Importer, type LeafParameters, type Path } from "./import-context";

/**
 * Argo references and text → Sluice. Task-level text (arguments, when, withParam) reads
 * `{{inputs.parameters.x}}` as the graph's input; text inside a leaf template reads it as the step's
 * own port. Argo variables without a Sluice equivalent are kept verbatim and reported.
 */

export type ArgoRef =
  | { kind: "input"; name: string }
  | { kind: "global"; name: string }
  | { kind: "output"; step: string; output: string }
  | { kind: "result"; step: string }
  | { kind: "exitCode"; step: string }
  | { kind: "allOutputs"; step: string }
  | { kind: "item"; key?: string }
  | { kind: "other" };

export function parseArgoRef(expression: string): ArgoRef {
  if (expression === "item") return { kind: "item" };
  let match = /^item\.([A-Za-z0-9_-]+)$/.exec(expression);
  if (match) return { kind: "item", key: match[1] };
  match = /^inputs\.parameters\.([A-Za-z0-9_-]+)$/.exec(expression);
  if (match) return { kind: "input", name: match[1] };
  match = /^workflow\.parameters\.([A-Za-z0-9_-]+)$/.exec(expression);
  if (match) return { kind: "global", name: match[1] };
  match = /^(?:tasks|steps)\.([^.\s]+)\.outputs\.parameters\.([A-Za-z0-9_-]+)$/.exec(expression);
  if (match) return { kind: "output", step: match[1], output: match[2] };
  match = /^(?:tasks|steps)\.([^.\s]+)\.outputs\.result$/.exec(expression);
  if (match) return { kind: "result", step: match[1] };
  match = /^(?:tasks|steps)\.([^.\s]+)\.exitCode$/.exec(expression);
  if (match) return { kind: "exitCode", step: match[1] };
  match = /^(?:tasks|steps)\.([^.\s]+)\.outputs\.parameters$/.exec(expression);
  if (match) return { kind: "allOutputs", step: match[1] };
  return { kind: "other" };
}

/** A task-level reference to another step's output, noting outputs Argo provides implicitly. */
function stepOutputName(context: GraphContext, ref: Extract<ArgoRef, { kind: "output" | "result" | "exitCode" }>): string {
  const output = ref.kind === "output" ? ref.output : (context.aliases.get(ref.step)?.[ref.kind] ?? ref.kind);
  context.refs.push({ step: ref.step, output, kind: ref.kind === "output" ? "parameter" : ref.kind });
  return output;
}

/** An argument: exactly one reference becomes a data edge, anything else a literal with Sluice templates. */
export function argoSource(importer: Importer, context: GraphContext, value: string, path: Path): ValueSource {
  const ref = parseArgoRef(singleTokenExpression(value) ?? "");
  switch (ref.kind) {
    case "input":
      return { from: "input", name: ref.name };
    case "global":
      if (context.top) return { from: "input", name: ref.name };
      break;
    case "output":
    case "result":
    case "exitCode":
      return { from: "step", step: ref.step, output: stepOutputName(context, ref) };
    case "allOutputs":
      warnAllOutputs(importer, value, path);
      return { from: "step", step: ref.step, output: "parameters" };
    case "item":
    case "other":
      break;
  }
  return { from: "literal", value: taskText(importer, context, value, path) };
}

/** Task-level text (when, arguments): `{{inputs.parameters.x}}` is the graph's input. */
export function taskText(importer: Importer, context: GraphContext, value: string, path: Path): string {
  return replaceTokens(value, (expression, raw) => {
    const ref = parseArgoRef(expression);
    switch (ref.kind) {
      case "input":
        return `{{inputs.${ref.name}}}`;
      case "global":
        if (context.top) return `{{inputs.${ref.name}}}`;
        return keepArgoVariable(importer, raw, path, " (workflow parameters are only visible at the top level in Sluice: pass it as a group input)");
      case "output":
      case "result":
      case "exitCode":
        return `{{steps.${ref.step}.outputs.${stepOutputName(context, ref)}}}`;
      case "allOutputs":
        warnAllOutputs(importer, raw, path);
        return `{{steps.${ref.step}.outputs.parameters}}`;
      case "item":
        return formatTemplateRef(ref);
      case "other":
        return keepArgoVariable(importer, raw, path);
    }
  });
}

/** Text inside a leaf template: `{{inputs.parameters.p}}` is the step's port p (or a folded reference). */
export function bodyText(importer: Importer, context: GraphContext, parameters: LeafParameters, value: string, path: Path): string {
  return replaceTokens(value, (expression, raw) => {
    const ref = parseArgoRef(expression);
    if (ref.kind === "input") {
      const lifted = parameters.lifted.get(ref.name);
      if (!lifted) return `{{inputs.${ref.name}}}`;
      const shadowed = lifted.source.from === "input" && parameters.ports.some((port) => port.name === (lifted.source as { name: string }).name);
      if (shadowed) warn(importer, "shadowed-input", `${lifted.text} now names the step's own input of that name, not the graph input.`, path);
      return lifted.text;
    }
    if (ref.kind === "global" && context.top && !parameters.ports.some((port) => port.name === ref.name)) return `{{inputs.${ref.name}}}`;
    return keepArgoVariable(importer, raw, path);
  });
}

/** A loop's aggregated output parameters (a list of objects) have no Sluice equivalent. */
function warnAllOutputs(importer: Importer, raw: string, path: Path): void {
  warn(importer, "aggregated-outputs", `${raw.trim()} (all output parameters of a loop, as objects) has no Sluice equivalent; it now reads an output named "parameters", which you need to provide.`, path);
}

function keepArgoVariable(importer: Importer, raw: string, path: Path, hint = ""): string {
  warn(importer, "argo-variable", `${raw} has no Sluice equivalent${hint}; it was kept as is.`, path);
  return raw;
}

/** `jsonpath(tasks['a'].outputs.result, '$.x')`, as exported for http body outputs with a jsonPath. */
export function jsonPathExpression(expression: string, task: string): string | undefined {
  const match = /^jsonpath\(tasks\['([^']+)'\]\.outputs\.result,\s*'((?:[^'\\]|\\.)*)'\)$/.exec(expression.trim());
  return match && match[1] === task ? match[2].replace(/\\(.)/g, "$1") : undefined;
}
