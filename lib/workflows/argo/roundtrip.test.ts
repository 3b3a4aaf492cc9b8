import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { workflowSpec } from "../model";
import { dagShape } from "../spec.testing";
import { exportToArgo, toArgoYaml } from "./export";
import { fromArgo } from "./import";
import { ARGO_EXAMPLES_DIR, argoSchemaErrors } from "./schema.testing";

/**
 * Every Argo example: import → a valid Sluice spec → export → valid against Argo's schema →
 * re-import → the same DAG at every level. Files with parts Sluice cannot represent must say so.
 */

type Expected = { warnings: { code: string; path: string }[] };

const EXPECTED: Record<string, Expected> = {
  "cron-workflow.yaml": {
    warnings: [
      { code: "cron-schedule", path: "spec.schedules" },
      { code: "unsupported-field", path: "spec.startingDeadlineSeconds" },
      { code: "unsupported-field", path: "spec.concurrencyPolicy" },
      { code: "unsupported-field", path: "spec.successfulJobsHistoryLimit" },
      { code: "unsupported-field", path: "spec.failedJobsHistoryLimit" },
      { code: "unsupported-field", path: "spec.suspend" },
    ],
  },
  "dag-conditional-parameters.yaml": {
    warnings: [
      { code: "output-first-ran", path: "spec.templates[0].outputs.parameters[0].valueFrom.expression" },
      { code: "unsupported-field", path: 'metadata.annotations["workflows.argoproj.io/version"]' },
    ],
  },
  "dag-diamond-steps.yaml": { warnings: [] },
  "dag-diamond.yaml": { warnings: [] },
  "dag-multiroot.yaml": { warnings: [] },
  "dag-nested.yaml": { warnings: [] },
  "exit-handlers.yaml": { warnings: [] },
  "hello-world.yaml": { warnings: [] },
  "loops-param-result.yaml": { warnings: [] },
  "parameter-aggregation.yaml": { warnings: [{ code: "script-command", path: "spec.templates[2].script.command" }] },
  "retry-with-steps.yaml": { warnings: [] },
  "steps.yaml": { warnings: [] },
};

const files = readdirSync(ARGO_EXAMPLES_DIR)
  .filter((file) => file.endsWith(".yaml"))
  .sort();

describe("Argo examples round trip", () => {
  it("finds the examples and has expectations for each of them", () => {
    expect(files.length).toBeGreaterThanOrEqual(12);
    expect(files).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(files)("%s", (file) => {
    const text = readFileSync(path.join(ARGO_EXAMPLES_DIR, file), "utf8");
    const original = parse(text) as { kind: "Workflow" | "CronWorkflow" };
    expect(argoSchemaErrors(original, original.kind)).toEqual([]);

    const first = fromArgo(text);
    expect(workflowSpec.parse(first.spec)).toEqual(first.spec);
    expect(first.warnings.map(({ code, path: at }) => ({ code, path: at }))).toEqual(EXPECTED[file].warnings);
    for (const step of first.spec.steps) expect(step.position).toBeDefined();

    const exported = exportToArgo(first.name, first.spec, { kind: "Workflow" });
    expect(argoSchemaErrors(exported.manifest, "Workflow")).toEqual([]);

    const second = fromArgo(toArgoYaml(first.name, first.spec, { kind: "Workflow" }));
    expect(second.name).toBe(first.name);
    expect(dagShape(second.spec)).toEqual(dagShape(first.spec));
    expect(second.spec.onExit && dagShape({ ...second.spec, steps: second.spec.onExit })).toEqual(first.spec.onExit && dagShape({ ...first.spec, steps: first.spec.onExit }));
    const firstCodes = new Set(first.warnings.map((warning) => warning.code));
    for (const warning of second.warnings) expect(firstCodes).toContain(warning.code);

    // a second export of the re-imported spec is the same manifest: the round trip is stable
    expect(exportToArgo(second.name, second.spec, { kind: "Workflow" }).manifest).toEqual(exported.manifest);
  });
});
