import { describe, expect, it } from "vitest";
import { jsonSchema } from "@/lib/http/openapi";
import { fromArgo } from "./argo/import";
import { exportToArgo } from "./argo/export";
import * as limits from "./limits";
import { workflowSpec } from "./model";
import { validateWorkflow } from "./validate";

const container = (name: string, extra: Record<string, unknown> = {}) => ({ name, kind: "container", container: { image: "busybox" }, ...extra });
const issues = (spec: unknown) => {
  const result = workflowSpec.safeParse(spec);
  return result.success ? [] : result.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
};
/** A group `depth` levels deep around one container step. */
const nested = (depth: number): Record<string, unknown> => {
  let graph: Record<string, unknown> = { steps: [container("leaf")] };
  for (let i = 0; i < depth; i++) graph = { steps: [{ name: `g${i}`, kind: "group", group: graph }] };
  return graph;
};
/** A list nested `depth` deep. */
const deepList = (depth: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
};
const literalPort = (value: unknown) => ({ steps: [container("a", { inputs: [{ name: "p", type: "json", value: { from: "literal", value } }] })] });

describe("workflow spec limits", () => {
  it("bounds text fields", () => {
    const script = (source: string) => ({ steps: [{ name: "s", kind: "script", script: { image: "python", language: "python", source } }] });
    expect(issues(script("x".repeat(limits.LONG_TEXT_MAX)))).toEqual([]);
    expect(issues(script("x".repeat(limits.LONG_TEXT_MAX + 1))).map((issue) => issue.path)).toEqual(["steps.0.script.source"]);
    const http = { steps: [{ name: "h", kind: "http", http: { url: `https://x/${"a".repeat(limits.URL_MAX)}` } }] };
    expect(issues(http).map((issue) => issue.path)).toEqual(["steps.0.http.url"]);
    const args = { steps: [container("c", { container: { image: "busybox", args: ["ok", "x".repeat(limits.COMMAND_ENTRY_MAX + 1)] } })] };
    expect(issues(args).map((issue) => issue.path)).toEqual(["steps.0.container.args.1"]);
    expect(issues({ steps: [container("c", { timeout: `${"1".repeat(limits.SHORT_TEXT_MAX)}s` })] }).map((issue) => issue.path)).toEqual(["steps.0.timeout"]);
  });

  it("bounds lists", () => {
    const many = (count: number) => Array.from({ length: count }, (_, i) => container(`s${i}`));
    expect(issues({ steps: many(limits.STEPS_PER_GRAPH_MAX) })).toEqual([]);
    expect(issues({ steps: many(limits.STEPS_PER_GRAPH_MAX + 1) }).map((issue) => issue.path)).toEqual(["steps"]);
    const env = Array.from({ length: limits.ENV_VARS_MAX + 1 }, (_, i) => ({ name: `E${i}`, value: { from: "literal", value: "" } }));
    expect(issues({ steps: [container("c", { container: { image: "busybox", env } })] }).map((issue) => issue.path)).toEqual(["steps.0.container.env"]);
    const labels = Object.fromEntries(Array.from({ length: limits.LABELS_MAX + 1 }, (_, i) => [`k${i}`, "v"]));
    expect(issues({ labels })).toEqual([{ path: "labels", message: `at most ${limits.LABELS_MAX} labels` }]);
  });

  it("counts the steps of the whole workflow, groups included", () => {
    const group = (name: string) => ({ name, kind: "group", group: { steps: Array.from({ length: 999 }, (_, i) => container(`s${i}`)) } });
    const spec = { steps: Array.from({ length: 6 }, (_, i) => group(`g${i}`)) };
    expect(issues(spec)).toEqual([{ path: "steps", message: "A workflow has at most 5000 steps, groups included; this one has 6000." }]);
    expect(issues({ steps: spec.steps.slice(0, 5) })).toEqual([]);
  });

  it("bounds how deep groups nest, before parsing deep input", () => {
    expect(issues(nested(limits.GROUP_DEPTH_MAX))).toEqual([]);
    expect(issues(nested(limits.GROUP_DEPTH_MAX + 1))).toEqual([{ path: "steps", message: "Groups nest at most 10 deep; this workflow nests them 11 deep." }]);
    expect(issues(nested(5000))).toEqual([
      { path: "steps", message: "A workflow has at most 5000 steps, groups included; this one has 5001." },
      { path: "steps", message: "Groups nest at most 10 deep; this workflow nests them 5000 deep." },
    ]);
  });

  it("bounds literal values in depth and size", () => {
    expect(issues(literalPort(deepList(limits.LITERAL_DEPTH_MAX)))).toEqual([]);
    const tooDeep = issues(literalPort(deepList(limits.LITERAL_DEPTH_MAX + 1)));
    expect(tooDeep.map((issue) => issue.path)).toEqual(["steps.0.inputs.0.value.value"]);
    expect(issues(literalPort(deepList(100_000)))).toHaveLength(1);
    expect(issues(literalPort({ text: "x".repeat(limits.LITERAL_JSON_MAX) }))).toHaveLength(1);
    expect(issues(literalPort(Array.from({ length: 1000 }, (_, i) => ({ id: i }))))).toEqual([]);
  });

  it("keeps the deepest valid spec within 64 levels of JSON (the request parser's limit)", () => {
    let graph: Record<string, unknown> = {
      steps: [container("leaf", { container: { image: "busybox", env: [{ name: "E", value: { from: "literal", value: deepList(limits.LITERAL_DEPTH_MAX) } }] } })],
    };
    for (let i = 0; i < limits.GROUP_DEPTH_MAX; i++) graph = { steps: [{ name: `g${i}`, kind: "group", group: graph }] };
    expect(issues(graph)).toEqual([]);
    const text = JSON.stringify({ spec: graph });
    let depth = 0;
    let deepest = 0;
    for (const c of text) {
      if (c === "[" || c === "{") deepest = Math.max(deepest, ++depth);
      else if (c === "]" || c === "}") depth--;
    }
    expect(deepest).toBeLessThanOrEqual(64);
  });

  it("shows the limits in the JSON schema of the OpenAPI document", () => {
    const schema = JSON.stringify(jsonSchema(workflowSpec, "input"));
    expect(schema).toContain(`"maxLength":${limits.LONG_TEXT_MAX}`);
    expect(schema).toContain(`"maxLength":${limits.URL_MAX}`);
    expect(schema).toContain(`"maxItems":${limits.STEPS_PER_GRAPH_MAX}`);
    expect(schema).toContain(`${limits.TOTAL_STEPS_MAX} in the whole workflow counting the steps of groups, and groups nest at most ${limits.GROUP_DEPTH_MAX} deep`);
    expect(schema).toContain(`nest at most ${limits.LITERAL_DEPTH_MAX} deep`);
  });
});

describe("report limits", () => {
  const tokens = (count: number, prefix: string) => Array.from({ length: count }, (_, i) => `{{${prefix}${i}}}`).join(" ");

  it("stops a validation after PROBLEMS_MAX problems and says so", () => {
    const spec = workflowSpec.parse({ steps: [container("c", { container: { image: "busybox", args: [tokens(1500, "x")] } })] });
    const problems = validateWorkflow(spec, { secretNames: [], workflows: [] });
    expect(problems).toHaveLength(limits.PROBLEMS_MAX + 1);
    expect(problems[limits.PROBLEMS_MAX - 1].code).toBe("unknown-template");
    expect(problems[limits.PROBLEMS_MAX]).toEqual({ code: "too-many-problems", message: "Validation stopped after 1000 problems: fix these first." });
  });

  it("keeps the first WARNINGS_MAX warnings of an import and of an export", () => {
    const text = tokens(1500, "workflow.x");
    const imported = fromArgo({ kind: "Workflow", spec: { entrypoint: "t", templates: [{ name: "t", container: { image: "busybox", args: [text] } }] } });
    expect(imported.warnings).toHaveLength(limits.WARNINGS_MAX + 1);
    expect(imported.warnings.at(-1)).toEqual({ code: "too-many-warnings", message: "There are more than 1000 warnings; the rest were left out.", path: "" });

    const spec = workflowSpec.parse({ steps: [container("c", { container: { image: "busybox", args: [tokens(1500, "x")] } })] });
    const exported = exportToArgo("wf", spec, { kind: "Workflow" });
    expect(exported.warnings).toHaveLength(limits.WARNINGS_MAX + 1);
    expect(exported.warnings.at(-1)?.code).toBe("too-many-warnings");
  });
});
