import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fromArgo } from "@/lib/workflows/argo/import";
import { ARGO_EXAMPLES_DIR, argoSchemaErrors } from "@/lib/workflows/argo/schema.testing";
import { buildSpec, container } from "@/lib/workflows/spec.testing";
import { compileWorkflow, secretsUsed } from "./compile";
import { compileCronWorkflow } from "./cron";
import { RUN_LABEL, runSecretName, workflowNameFor } from "./names";

const RUN_ID = "3f2a9c1b-0000-4000-8000-000000000001";
const SCHEDULE = { id: "5c0ffee0-0000-4000-8000-000000000002", cron: "0 2 * * *", timezone: "Europe/Oslo", inputs: {}, overlapPolicy: "forbid" as const, paused: false, startAt: null, endAt: null };

const examples = readdirSync(ARGO_EXAMPLES_DIR).filter((file) => file.endsWith(".yaml"));

describe("compiling runs for the cluster", () => {
  it.each(examples)("%s compiles into a Workflow and a CronWorkflow that validate against Argo's schema", (file) => {
    const imported = fromArgo(readFileSync(path.join(ARGO_EXAMPLES_DIR, file), "utf8"));
    const input = { workflowName: imported.name, spec: imported.spec, callees: new Map(), inputs: {}, namespace: "team-a", secretName: runSecretName(RUN_ID) };
    const name = workflowNameFor({ id: RUN_ID, workflowName: imported.name });
    const { manifest: workflow } = compileWorkflow(input, name, { [RUN_LABEL]: RUN_ID });
    expect(argoSchemaErrors(workflow, "Workflow")).toEqual([]);
    expect(workflow.metadata).toMatchObject({ name, namespace: "team-a", labels: { [RUN_LABEL]: RUN_ID, "app.kubernetes.io/managed-by": "sluice" } });
    expect(workflow.metadata).not.toHaveProperty("generateName");
    const cron = compileCronWorkflow({ schedule: SCHEDULE, workflowName: imported.name, version: 1, namespace: "team-a", spec: imported.spec, callees: new Map() });
    expect(argoSchemaErrors(cron, "CronWorkflow")).toEqual([]);
    expect(cron.spec).toMatchObject({ schedules: ["0 2 * * *"], timezone: "Europe/Oslo", concurrencyPolicy: "Forbid", suspend: false });
  });

  it("names Workflows within Argo's 63 characters, from the workflow and the run", () => {
    expect(workflowNameFor({ id: RUN_ID, workflowName: "etl" })).toBe("etl-3f2a9c1b");
    const long = workflowNameFor({ id: RUN_ID, workflowName: "x".repeat(63) });
    expect(long).toHaveLength(63);
    expect(long.endsWith("-3f2a9c1b")).toBe(true);
  });

  it("reads secrets from the run's Secret by name, and passes inputs as arguments without any secret value", () => {
    const spec = buildSpec({
      inputs: [
        { name: "region", type: "string", default: "eu" },
        { name: "token", type: "secret", required: true },
        { name: "count", type: "number", default: 1 },
      ],
      steps: [
        container("load", {
          container: {
            image: "busybox",
            command: ["sh", "-c", "echo $DB $TOKEN {{inputs.region}}"],
            env: [
              { name: "DB", value: { from: "secret", name: "db-password" } },
              { name: "TOKEN", value: { from: "input", name: "token" } },
            ],
          },
        }),
      ],
    });
    const inputs = { region: "us", token: "api-token", count: 3 };
    expect(secretsUsed(spec, inputs, new Map())).toEqual(["api-token", "db-password"]);
    const { manifest: workflow, warnings } = compileWorkflow({ workflowName: "load", spec, callees: new Map(), inputs, namespace: "team-a", secretName: "sluice-run-x" }, "load-1", {});
    expect(warnings).toEqual([]);
    expect(argoSchemaErrors(workflow, "Workflow")).toEqual([]);
    expect(workflow.spec.arguments?.parameters).toEqual([
      { name: "region", value: "us" },
      { name: "token", value: "api-token" },
      { name: "count", value: "3" },
    ]);
    const env = workflow.spec.templates.find((t) => t.container)!.container!.env!;
    expect(env).toEqual([
      { name: "DB", valueFrom: { secretKeyRef: { name: "sluice-run-x", key: "db-password" } } },
      // the secret-typed input's parameter holds the secret's name: the key of the run's Secret
      { name: "TOKEN", valueFrom: { secretKeyRef: { name: "sluice-run-x", key: "{{inputs.parameters.__input-token}}" } } },
    ]);
    expect(workflow.metadata.annotations).toMatchObject({ "sluice.dev/secret": "sluice-run-x" });
  });

  it("keeps a schedule to its start and end dates with Argo's `when`, and pauses it with `suspend`", () => {
    const spec = buildSpec({ steps: [container("a")] });
    const cron = compileCronWorkflow({
      schedule: { ...SCHEDULE, paused: true, overlapPolicy: "replace", startAt: new Date("2030-01-01T00:00:00Z"), endAt: new Date("2031-01-01T00:00:00Z") },
      workflowName: "nightly",
      version: 4,
      namespace: "team-a",
      spec,
      callees: new Map(),
    });
    expect(argoSchemaErrors(cron, "CronWorkflow")).toEqual([]);
    expect(cron.spec).toMatchObject({ suspend: true, concurrencyPolicy: "Replace", when: "{{= now() >= date('2030-01-01T00:00:00.000Z') && now() < date('2031-01-01T00:00:00.000Z') }}" });
    expect(cron.spec.workflowMetadata.labels).toMatchObject({ "sluice.dev/schedule": SCHEDULE.id, "sluice.dev/workflow-version": "4", "app.kubernetes.io/managed-by": "sluice" });
    expect(cron.metadata.name.length).toBeLessThanOrEqual(52);
  });
});
