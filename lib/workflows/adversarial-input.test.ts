import { describe, expect, it } from "vitest";
import { exportToArgo } from "./argo/export";
import { ArgoImportError, fromArgo } from "./argo/import";
import { workflowSpec, type WorkflowSpec } from "./model";
import { validateWorkflow } from "./validate";

/**
 * Texts that made backtracking regexes take seconds to hours (`{{` and spaces took 8 s at 3 KB):
 * validation, import and export must stay linear in the size of what they read.
 */
const SIZE = 100_000;
const PAYLOADS: Record<string, string> = {
  "{{ and spaces": `{{${" ".repeat(SIZE)}`,
  "{{ repeated": "{{".repeat(SIZE / 2),
  "{{a repeated": "{{a".repeat(SIZE / 3),
  "unclosed reference": `{{ inputs.parameters.${"a".repeat(SIZE)}`,
  "many tokens": "{{x}}{{steps.s.outputs.o}}".repeat(SIZE / 26),
  "many distinct tokens": Array.from({ length: SIZE / 8 }, (_, i) => `{{x${i}}}`).join(""),
  "digits then junk": `${"1".repeat(SIZE / 2)}x`,
  "duration parts then junk": `${"1m".repeat(SIZE / 2)}x`,
  "dashes then junk": `${"a-".repeat(SIZE / 2)}!`,
};
// A check that nothing hangs (the old regexes took seconds to minutes on these), not a speed target: loaded machines differ.
const LIMIT_MS = 3_000;

function elapsed(run: () => unknown): number {
  const started = performance.now();
  run();
  return performance.now() - started;
}

/** A spec with the text in every text field (not parsed, so lengths past the schema's limits get through). */
function specWith(text: string): WorkflowSpec {
  const common = { inputs: [{ name: "p", type: "string", required: true, value: { from: "literal", value: text } }], outputs: [], dependsOn: [], continueOnFailure: false, when: text };
  return {
    description: "",
    labels: {},
    inputs: [],
    outputs: [],
    steps: [
      {
        ...common,
        name: "c",
        kind: "container",
        timeout: text,
        retry: { limit: 1, on: "OnFailure", backoff: { duration: text, maxDuration: text } },
        map: { over: { from: "literal", value: text } },
        container: { image: text, command: [text], args: [text, text], env: [{ name: "E", value: { from: "literal", value: text } }], workingDir: text },
      },
      { ...common, name: "s", kind: "script", script: { image: "python", language: "python", source: text, env: [] } },
      { ...common, name: "h", kind: "http", http: { method: "POST", url: text, headers: [{ name: "H", value: { from: "literal", value: text } }], body: text, successCondition: text } },
    ],
  } as WorkflowSpec;
}

function argoWith(text: string) {
  const task = { name: "a", template: "t", when: text, depends: text, withParam: text, arguments: { parameters: [{ name: "p", value: text }] } };
  const call = { name: "b", templateRef: { name: text, template: "main" }, arguments: { parameters: [{ name: "p", value: text }] } };
  const leaf = {
    name: "t",
    inputs: { parameters: [{ name: "p" }] },
    outputs: { parameters: [{ name: "o", valueFrom: { expression: text } }] },
    retryStrategy: { limit: 1, backoff: { duration: text, maxDuration: text } },
    timeout: text,
    container: { image: "busybox", command: [text], args: [text], workingDir: text, env: [{ name: "E", value: text }] },
  };
  const main = { name: "main", outputs: { parameters: [{ name: "x", valueFrom: { expression: text } }] }, dag: { tasks: [task, call] } };
  return { apiVersion: "argoproj.io/v1alpha1", kind: "Workflow", metadata: { name: text }, spec: { entrypoint: "main", templates: [main, leaf] } };
}

describe.each(Object.entries(PAYLOADS))("adversarial text: %s", (_, text) => {
  it("validates in linear time", () => {
    const spec = specWith(text);
    expect(elapsed(() => validateWorkflow(spec, { secretNames: [], workflows: [] }))).toBeLessThan(LIMIT_MS);
    expect(elapsed(() => workflowSpec.safeParse(spec))).toBeLessThan(LIMIT_MS);
  });

  it("imports from Argo in linear time", () => {
    const document = argoWith(text);
    const run = () => {
      try {
        fromArgo(document);
      } catch (error) {
        if (!(error instanceof ArgoImportError)) throw error;
      }
    };
    expect(elapsed(run)).toBeLessThan(LIMIT_MS);
  });

  it("exports to Argo in linear time", () => {
    const spec = specWith(text);
    expect(elapsed(() => exportToArgo("wf", spec, { kind: "Workflow" }))).toBeLessThan(LIMIT_MS);
  });
});
