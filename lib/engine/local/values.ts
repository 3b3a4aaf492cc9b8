import { replaceTemplates, type TemplateRef } from "@/lib/workflows/templates";
import { ALL_OUTPUTS, type OutputValueSource, type StepOutput, type ValueType, type WorkflowInput } from "@/lib/workflows/model";

/**
 * Values at run time. A secret travels as a reference `{ $secret: name }` (that is what the database
 * keeps); only the step that needs it gets the value, and its logs and outputs mask it.
 */
export type SecretRef = { $secret: string };
export const isSecretRef = (value: unknown): value is SecretRef =>
  typeof value === "object" && value !== null && !Array.isArray(value) && typeof (value as SecretRef).$secret === "string";

/** What a step's templates and value sources can read. */
export type Scope = {
  /** the enclosing graph's inputs (the run's, or the group instance's) */
  inputs: Record<string, unknown>;
  /** this step's own resolved ports (for `{{inputs.x}}` in its texts) */
  ports?: Record<string, unknown>;
  /** outputs of the steps of this graph level that ran (a mapped step's are lists) */
  outputs: Map<string, Record<string, unknown>>;
  item?: { value: unknown };
  /** the current attempt's retry count (Argo's {{retries}}) */
  retries?: number;
  workflow: Record<string, string>;
  /** secret values by name, filled in for the step that runs */
  secrets?: Map<string, string>;
};

export class ValueError extends Error {}

/** The text form of a value in a command line or a template: strings as they are, the rest as JSON. */
export function asText(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

function reveal(value: unknown, scope: Scope): unknown {
  if (!isSecretRef(value)) return value;
  const secret = scope.secrets?.get(value.$secret);
  if (secret === undefined) throw new ValueError(`secret "${value.$secret}" is not available to this step`);
  return secret;
}

function itemValue(scope: Scope, key: string | undefined): unknown {
  if (!scope.item) throw new ValueError("{{item}} outside a mapped step");
  if (key === undefined) return scope.item.value;
  const item = scope.item.value;
  if (typeof item !== "object" || item === null || !Object.hasOwn(item, key)) throw new ValueError(`the item has no "${key}"`);
  return (item as Record<string, unknown>)[key];
}

function stepOutput(scope: Scope, step: string, output: string): unknown {
  const outputs = scope.outputs.get(step);
  if (!outputs) throw new ValueError(`step "${step}" has no outputs (it did not run)`);
  // a mapped step keeps the list of its items' outputs under ALL_OUTPUTS
  if (output === ALL_OUTPUTS) return Object.hasOwn(outputs, ALL_OUTPUTS) ? outputs[ALL_OUTPUTS] : outputs;
  if (!Object.hasOwn(outputs, output)) throw new ValueError(`step "${step}" has no output "${output}"`);
  return outputs[output];
}

/** A template reference's value; `own` says whether `{{inputs.x}}` may name the step's own port. */
function refValue(ref: TemplateRef, scope: Scope, own: boolean): unknown {
  switch (ref.kind) {
    case "input":
      if (own && scope.ports && Object.hasOwn(scope.ports, ref.name)) return scope.ports[ref.name];
      if (Object.hasOwn(scope.inputs, ref.name)) return scope.inputs[ref.name];
      throw new ValueError(`no input "${ref.name}"`);
    case "step":
      return stepOutput(scope, ref.step, ref.output);
    case "item":
      return itemValue(scope, ref.key);
    case "retries":
      return scope.retries ?? 0;
    case "workflow":
      if (Object.hasOwn(scope.workflow, ref.name)) return scope.workflow[ref.name];
      throw new ValueError(`{{workflow.${ref.name}}} is only available in the exit handler`);
    case "unknown": {
      const parameter = /^workflow\.parameters\.([A-Za-z0-9_-]+)$/.exec(ref.expression);
      if (parameter && Object.hasOwn(scope.inputs, parameter[1])) return scope.inputs[parameter[1]];
      throw new ValueError(`{{${ref.expression}}} is not a known template`);
    }
  }
}

/** Fills in a text's templates; secrets are filled in too (the log writer masks them). */
export function renderText(text: string, scope: Scope, own = true): string {
  return replaceTemplates(text, (ref) => asText(reveal(refValue(ref, scope, own), scope)));
}

/** A value source's value; literal strings have their templates filled in. Secrets stay references. */
export function resolveSource(source: OutputValueSource, scope: Scope, own = false): unknown {
  switch (source.from) {
    case "literal":
      return typeof source.value === "string" ? replaceTemplates(source.value, (ref) => {
        const value = refValue(ref, scope, own);
        return isSecretRef(value) ? asText(reveal(value, scope)) : asText(value);
      }) : source.value;
    case "input":
      if (!Object.hasOwn(scope.inputs, source.name)) throw new ValueError(`no input "${source.name}"`);
      return scope.inputs[source.name];
    case "step":
      return stepOutput(scope, source.step, source.output);
    case "secret":
      return { $secret: source.name } satisfies SecretRef;
    case "first": {
      const ran = source.of.find((option) => scope.outputs.has(option.step));
      if (!ran) throw new ValueError(`none of the steps ${source.of.map((option) => `"${option.step}"`).join(", ")} ran`);
      return stepOutput(scope, ran.step, ran.output);
    }
  }
}

/** Converts text a step produced (stdout, a file) to its declared output type. */
export function typedOutput(text: string, output: Pick<StepOutput, "name" | "type">): unknown {
  switch (output.type) {
    case "number": {
      const value = Number(text.trim());
      if (text.trim() === "" || Number.isNaN(value)) throw new ValueError(`output "${output.name}" should be a number, not ${JSON.stringify(text.slice(0, 100))}`);
      return value;
    }
    case "boolean":
      if (!["true", "false"].includes(text.trim())) throw new ValueError(`output "${output.name}" should be true or false, not ${JSON.stringify(text.slice(0, 100))}`);
      return text.trim() === "true";
    case "json":
      try {
        return JSON.parse(text);
      } catch {
        throw new ValueError(`output "${output.name}" should be JSON, not ${JSON.stringify(text.slice(0, 100))}`);
      }
    default:
      return text;
  }
}

/** Converts a value to a port's declared type, as the coercion rules allow (json ports take anything). */
export function typedInput(value: unknown, type: ValueType, name: string): unknown {
  if (isSecretRef(value) || value === undefined) return value;
  if (type === "string") return asText(value);
  if (type === "json") return typeof value === "string" ? parseJsonOr(value) : value;
  if (type === "number" && typeof value === "string") return typedOutput(value, { name, type });
  if (type === "boolean" && typeof value === "string") return typedOutput(value, { name, type });
  return value;
}

function parseJsonOr(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A graph's input values: what was given, else the default; a missing required one is an error. */
export function graphInputValues(declared: readonly WorkflowInput[], given: Record<string, unknown>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const input of declared) {
    if (Object.hasOwn(given, input.name) && given[input.name] !== undefined) {
      const value = given[input.name];
      values[input.name] = input.type === "secret" && !isSecretRef(value) ? { $secret: String(value) } : value;
    } else if (input.default !== undefined) values[input.name] = input.type === "secret" ? { $secret: String(input.default) } : input.default;
    else if (input.required) throw new ValueError(`input "${input.name}" is required`);
  }
  return values;
}
