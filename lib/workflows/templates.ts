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
 * - `{{item}}` is the current element in a step with `map`, anywhere in that step; `{{item.<key>}}`
 *   is the value of `key` when the elements are objects.
 * The token syntax itself is in template-syntax.ts.
 */
import { replaceTokens, scanTokens, singleTokenExpression } from "./template-syntax";

export type TemplateRef =
  | { kind: "input"; name: string }
  | { kind: "step"; step: string; output: string }
  | { kind: "item"; key?: string }
  | { kind: "unknown"; expression: string };

export type TemplateToken = { ref: TemplateRef; raw: string };

const INPUT_REF = /^inputs\.([A-Za-z0-9_-]+)$/;
const STEP_REF = /^steps\.([^.\s]+)\.outputs\.([A-Za-z0-9_-]+)$/;
const ITEM_KEY_REF = /^item\.([A-Za-z0-9_-]+)$/;

export function parseTemplateExpression(expression: string): TemplateRef {
  if (expression === "item") return { kind: "item" };
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
    case "unknown":
      return `{{${ref.expression}}}`;
  }
}
