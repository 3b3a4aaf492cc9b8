import { ALL_OUTPUTS, type OutputValueSource, type ValueSource } from "../model";
import { replaceTokens, singleTokenExpression } from "../template-syntax";
import { formatTemplateRef, parseTemplateExpression, type TemplateRef } from "../templates";
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
  /** `{{retries}}` and the workflow variables Sluice shares with Argo */
  | { kind: "variable"; ref: Extract<TemplateRef, { kind: "retries" | "workflow" }> }
  | { kind: "other" };

export function parseArgoRef(expression: string): ArgoRef {
  if (expression === "item") return { kind: "item" };
  const sluice = parseTemplateExpression(expression);
  if (sluice.kind === "retries" || sluice.kind === "workflow") return { kind: "variable", ref: sluice };
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
      return { from: "step", step: ref.step, output: ALL_OUTPUTS };
    case "item":
    case "variable":
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
        return formatTemplateRef({ kind: "step", step: ref.step, output: ALL_OUTPUTS });
      case "item":
        return formatTemplateRef(ref);
      case "variable":
        return formatTemplateRef(ref.ref);
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
    if (ref.kind === "variable") return formatTemplateRef(ref.ref);
    return keepArgoVariable(importer, raw, path);
  });
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

/**
 * An output expression choosing between task outputs, `cond ? tasks.a.outputs.result : tasks.b.outputs.result`
 * (right-nested for more), as a `first` source: the first of those outputs whose step ran. Conditions
 * `tasks['a'].status == 'Succeeded'` (as exported) mean exactly that; any other condition is reported,
 * since it only agrees when the steps' `when` conditions pick the same step. Undefined for any other expression.
 */
export function firstOfExpression(importer: Importer, context: GraphContext, expression: string, path: Path): OutputValueSource | undefined {
  const branches: { condition?: string; ref: string }[] = [];
  let rest = expression.trim();
  for (let split = splitTernary(rest); split; split = splitTernary(rest)) {
    branches.push({ condition: split.condition, ref: split.then });
    rest = split.otherwise;
  }
  branches.push({ ref: rest });
  if (branches.length < 2) return undefined;
  const refs = branches.map((branch) => parseArgoRef(dotted(branch.ref)));
  if (!refs.every((ref) => ref.kind === "output" || ref.kind === "result" || ref.kind === "exitCode")) return undefined;
  const of = (refs as Extract<ArgoRef, { kind: "output" | "result" | "exitCode" }>[]).map((ref) => ({ step: ref.step, output: stepOutputName(context, ref) }));
  const exact = branches.every((branch, i) => branch.condition === undefined || dotted(branch.condition).replace(/\s+/g, " ") === `tasks.${of[i].step}.status == 'Succeeded'`);
  if (!exact) {
    warn(
      importer,
      "output-first-ran",
      `The output expression is imported as the first of ${of.map((option) => `"${option.step}"`).join(", ")} that ran; its conditions are not evaluated, so this matches Argo when the steps' when conditions choose the same step.`,
      path,
    );
  }
  return { from: "first", of };
}

/** `tasks['a-b'].outputs.parameters["x"]` → `tasks.a-b.outputs.parameters.x` (as Argo's {{...}} variables read). */
function dotted(expression: string): string {
  return expression.trim().replace(/\[\s*(?:'([^']*)'|"([^"]*)")\s*\]/g, (_, single: string | undefined, double: string | undefined) => `.${single ?? double}`);
}

/** `c ? a : b` split at its top-level `?` and the `:` that matches it; undefined for text without one. */
function splitTernary(text: string): { condition: string; then: string; otherwise: string } | undefined {
  let question = -1;
  let pending = 0;
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "(" || c === "[") depth++;
    else if (c === ")" || c === "]") depth--;
    else if (depth === 0 && c === "?") {
      if (question < 0) question = i;
      pending++;
    } else if (depth === 0 && c === ":" && pending > 0 && --pending === 0) {
      return { condition: text.slice(0, question).trim(), then: text.slice(question + 1, i).trim(), otherwise: text.slice(i + 1).trim() };
    }
  }
  return undefined;
}
