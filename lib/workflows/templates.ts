/**
 * `{{...}}` template references in Sluice text fields.
 *
 * Resolution rules (shared by validation, the engine and the Argo export):
 * - `{{inputs.x}}` in a step's text fields (command, args, workingDir, script source, url, body,
 *   successCondition, when, and literal string values of env vars and headers) names the step's
 *   own input port `x` when it has one, otherwise the input `x` of the enclosing graph.
 * - In a literal string value of a step input port, `{{inputs.x}}` always names the enclosing
 *   graph's input (a port cannot read a sibling port).
 * - `{{steps.s.outputs.o}}` names output `o` of step `s` in the same graph; `s` must be upstream.
 *   `{{steps.s.outputs.*}}` is all of its outputs as one JSON object (a mapped step: a list of them).
 * - `{{item}}` is the current element in a step with `map`, anywhere in that step; `{{item.<key>}}`
 *   is the value of `key` when the elements are objects.
 * - `{{retries}}` is the number of the current attempt's retry (0 for the first attempt), as Argo's.
 * - `{{workflow.<variable>}}` are Argo's workflow variables (WORKFLOW_VARIABLES); the exit handler
 *   also reads EXIT_HANDLER_VARIABLES. `{{workflow.status}}` is "Running" outside the exit handler.
 * The token syntax itself is in template-syntax.ts.
 */
import { replaceTokens, scanTokens, singleTokenExpression } from "./template-syntax";

export const WORKFLOW_VARIABLES = ["name", "uid", "creationTimestamp", "scheduledTime", "status"] as const;
/** Argo's exit-handler variables: the run's duration in seconds and its failed steps (a JSON list). */
export const EXIT_HANDLER_VARIABLES = ["duration", "failures"] as const;
export type WorkflowVariable = (typeof WORKFLOW_VARIABLES)[number] | (typeof EXIT_HANDLER_VARIABLES)[number];

export type TemplateRef =
  | { kind: "input"; name: string }
  | { kind: "step"; step: string; output: string }
  | { kind: "item"; key?: string }
  | { kind: "retries" }
  | { kind: "workflow"; name: WorkflowVariable }
  | { kind: "unknown"; expression: string };

export type TemplateToken = { ref: TemplateRef; raw: string };

const INPUT_REF = /^inputs\.([A-Za-z0-9_-]+)$/;
const STEP_REF = /^steps\.([^.\s]+)\.outputs\.([A-Za-z0-9_-]+|\*)$/;
const ITEM_KEY_REF = /^item\.([A-Za-z0-9_-]+)$/;
const WORKFLOW_REF = /^workflow\.([A-Za-z]+)$/;
const isWorkflowVariable = (name: string): name is WorkflowVariable =>
  (WORKFLOW_VARIABLES as readonly string[]).includes(name) || (EXIT_HANDLER_VARIABLES as readonly string[]).includes(name);

export function parseTemplateExpression(expression: string): TemplateRef {
  if (expression === "item") return { kind: "item" };
  if (expression === "retries") return { kind: "retries" };
  const variable = WORKFLOW_REF.exec(expression);
  if (variable && isWorkflowVariable(variable[1])) return { kind: "workflow", name: variable[1] };
  const item = ITEM_KEY_REF.exec(expression);
  if (item) return { kind: "item", key: item[1] };
  const input = INPUT_REF.exec(expression);
  if (input) return { kind: "input", name: input[1] };
  const step = STEP_REF.exec(expression);
  if (step) return { kind: "step", step: step[1], output: step[2] };
  return { kind: "unknown", expression };
}

export function parseTemplates(text: string): TemplateToken[] {
  return scanTokens(text).map((token) => ({ raw: text.slice(token.start, token.end), ref: parseTemplateExpression(token.expression) }));
}

/** Rewrites every `{{...}}` token; `replace` returns the new text for one token (called once per distinct token). */
export function replaceTemplates(text: string, replace: (ref: TemplateRef, raw: string) => string): string {
  return replaceTokens(text, (expression, raw) => replace(parseTemplateExpression(expression), raw));
}

/** True when the whole text is exactly one template token (its type is only known at run time). */
export function isSingleTemplate(text: string): boolean {
  return singleTokenExpression(text) !== undefined;
}

export function formatTemplateRef(ref: TemplateRef): string {
  switch (ref.kind) {
    case "input":
      return `{{inputs.${ref.name}}}`;
    case "step":
      return `{{steps.${ref.step}.outputs.${ref.output}}}`;
    case "item":
      return ref.key === undefined ? "{{item}}" : `{{item.${ref.key}}}`;
    case "retries":
      return "{{retries}}";
    case "workflow":
      return `{{workflow.${ref.name}}}`;
    case "unknown":
      return `{{${ref.expression}}}`;
  }
}
