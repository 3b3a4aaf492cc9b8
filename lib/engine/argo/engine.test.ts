import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { database } from "@/db/client";
import { runs, schedules, workflows, workspaces } from "@/db/schema";
import { createSecret } from "@/lib/secrets/service";
import { engineFixture, saveWorkflow, sh, stepByKey, waitForRun } from "@/lib/engine/testing/engine";
import { listLogs } from "../runs/logs";
import { cancelRun, getRun, retryRun, startRun } from "../runs/service";
import { startArgoController, type ArgoController } from "./controller";
import { deleteCronWorkflow, syncCronWorkflow } from "./cron";
import { KubeTestServer, type KubeObject } from "./kube-server.testing";
import { resetKube } from "./kube";
import { cronWorkflowName, runSecretName, scheduleSecretName, workflowNameFor } from "./names";
import type { ArgoNode } from "./resources";

/**
 * The `argo` engine end to end against a Kubernetes API test server: Sluice's runs service starts a
 * run, the controller submits it (a Secret and a Workflow), the test plays Argo's part (status updates,
 * pods and their logs) and breaks the connection on purpose, and the run, its steps, attempts and logs
 * come out as on the local engine. Then cancel (stop, then terminate), retry, and schedules as
 * CronWorkflows.
 */

const SECRET = "hunter2-very-secret";
let kube: KubeTestServer;
let controller: ArgoController;
let fx: Awaited<ReturnType<typeof engineFixture>>;
let namespace: string;

const at = () => new Date().toISOString();
/** Waits for what the controller does in its own time (a log reader tries a missing pod again each second). */
const eventually = <T>(check: () => T | Promise<T>) => vi.waitFor(check, { timeout: 10_000, interval: 50 });
function node(id: string, name: string, type: string, phase: ArgoNode["phase"], extra: Partial<ArgoNode> = {}): ArgoNode {
  return { id, name, displayName: name.slice(name.lastIndexOf(".") + 1), type, phase, startedAt: at(), finishedAt: ["Pending", "Running"].includes(phase ?? "") ? null : at(), ...extra };
}
const status = (phase: string, nodes: ArgoNode[], extra: Record<string, unknown> = {}) => ({ phase, startedAt: at(), nodes: Object.fromEntries(nodes.map((n) => [n.id, n])), ...extra });

beforeAll(async () => {
  kube = await KubeTestServer.start();
  vi.stubEnv("KUBECONFIG", kube.kubeconfig);
  vi.stubEnv("SLUICE_ENGINE", "argo");
  vi.stubEnv("SLUICE_K8S_CONFIG_NAMESPACE", "sluice-config");
  vi.stubEnv("SLUICE_ARGO_STOP_GRACE_MS", "300");
  resetKube();
  kube.put("namespaces", null, { metadata: { name: "sluice-config", labels: { "sluice.dev/part": "workspaces" } } });
  fx = await engineFixture("argo");
  const db = await database();
  namespace = (await db.select().from(workspaces).where(eq(workspaces.id, fx.workspaceId)))[0].namespace!;
  await createSecret(fx.admin, { workspaceId: fx.workspaceId, name: "db-password", value: SECRET });
  await saveWorkflow(fx.admin, fx.workspaceId, "etl", {
    outputs: [{ name: "total", type: "number", value: { from: "step", step: "extract", output: "out" } }],
    steps: [
      sh("extract", "echo 7", { retry: { limit: 2, on: "OnFailure" }, outputs: [{ name: "out", type: "number", source: { from: "stdout" } }], container: { image: "busybox", command: ["sh", "-c", "echo 7"], args: [], env: [{ name: "DB", value: { from: "secret", name: "db-password" } }] } }),
      sh("load", "echo loaded", { dependsOn: ["extract"] }),
    ],
  });
  controller = await startArgoController();
  // the namespace is watched before anything happens in it, so every change after comes as an event
  await eventually(() => expect(kube.watchRequests("workflows", namespace).length).toBeGreaterThan(0));
});

afterAll(async () => {
  await controller.stop();
  await kube.close();
  vi.unstubAllEnvs();
  resetKube();
});

/** The Workflow the controller created for a run. */
async function submitted(runId: string): Promise<KubeObject> {
  let found: KubeObject | undefined;
  await eventually(() => {
    found = kube.list("workflows", namespace).find((wf) => wf.metadata.labels?.["sluice.dev/run"] === runId);
    expect(found).toBeDefined();
  });
  return found!;
}

async function logOf(runId: string, stepId: number, attempt: number) {
  const { items } = await listLogs(fx.admin, { workspaceId: fx.workspaceId, runId, step: stepId, attempt });
  return items.map((chunk) => chunk.text).join("");
}

describe("the argo engine", () => {
  it("runs a workflow: submit, watch with a dropped connection and a 410, retries as attempts, logs from pods, outputs", async () => {
    const started = await startRun(fx.admin, { workspaceId: fx.workspaceId, workflow: "etl", trigger: "api" });
    expect(started.engine).toBe("argo");
    const wf = await submitted(started.id);
    const name = workflowNameFor({ id: started.id, workflowName: "etl" });
    expect(wf.metadata.name).toBe(name);

    // the secret reaches the pods through the run's own Secret, never through the manifest
    const secret = kube.get("secrets", namespace, runSecretName(started.id))!;
    expect(Buffer.from((secret.data as Record<string, string>)["db-password"], "base64").toString()).toBe(SECRET);
    const create = kube.requests.find((r) => r.method === "POST" && r.path.endsWith(`/namespaces/${namespace}/workflows`))!;
    expect(JSON.stringify(create.body)).not.toContain(SECRET);
    expect(JSON.stringify(create.body)).toContain(`"secretKeyRef":{"name":"${runSecretName(started.id)}","key":"db-password"}`);
    await eventually(async () => expect((await getRun(fx.admin, { workspaceId: fx.workspaceId, runId: started.id })).state).toBe("running"));
    const db = await database();
    expect((await db.select().from(runs).where(eq(runs.id, started.id)))[0].engineRef).toBe(`${namespace}/${name}`);

    // Argo starts the first attempt of extract; its pod prints (the secret masked in what is kept)
    const root = (phase: ArgoNode["phase"]) => node(name, name, "DAG", phase, { displayName: name });
    kube.setStatus(namespace, name, status("Running", [root("Running"), node("n-extract", `${name}.extract`, "Retry", "Running", { boundaryID: name, children: ["n-extract-0"] }), node("n-extract-0", `${name}.extract(0)`, "Pod", "Running", { boundaryID: name })]));
    kube.addPod(namespace, "etl-extract-0", name, "n-extract-0");
    kube.printLog(namespace, "etl-extract-0", `connecting with ${SECRET}`, "reading");
    await eventually(async () => {
      const run = await getRun(fx.admin, { workspaceId: fx.workspaceId, runId: started.id });
      expect(stepByKey(run, "extract")).toMatchObject({ state: "running", attempt: 1 });
    });
    const extractId = stepByKey(await getRun(fx.admin, { workspaceId: fx.workspaceId, runId: started.id }), "extract").id;
    await eventually(async () => expect(await logOf(started.id, extractId, 1)).toBe("connecting with ***\nreading\n"));

    // the watch connection drops: the watch resumes from the last resource version it handled
    const lastSeen = kube.get("workflows", namespace, name)!.metadata.resourceVersion!;
    const cursor = async () => (await db.select().from(runs).where(eq(runs.id, started.id)))[0].engineCursor;
    await eventually(async () => expect(await cursor()).toBe(lastSeen));
    const watchesBefore = kube.watchRequests("workflows", namespace).length;
    kube.dropWatches();
    kube.printLog(namespace, "etl-extract-0", "exit 1");
    kube.endLog(namespace, "etl-extract-0");
    kube.setStatus(
      namespace,
      name,
      status("Running", [
        root("Running"),
        node("n-extract", `${name}.extract`, "Retry", "Running", { boundaryID: name, children: ["n-extract-0", "n-extract-1"] }),
        node("n-extract-0", `${name}.extract(0)`, "Pod", "Failed", { boundaryID: name, message: "Error (exit code 1)", outputs: { exitCode: "1" } }),
        node("n-extract-1", `${name}.extract(1)`, "Pod", "Running", { boundaryID: name }),
      ]),
    );
    await eventually(() => expect(kube.watchRequests("workflows", namespace).length).toBeGreaterThan(watchesBefore));
    expect(kube.watchRequests("workflows", namespace).slice(watchesBefore)[0].query.get("resourceVersion")).toBe(lastSeen);
    await eventually(async () => expect(stepByKey(await getRun(fx.admin, { workspaceId: fx.workspaceId, runId: started.id }), "extract").attempt).toBe(2));
    expect(await cursor()).toBe(kube.get("workflows", namespace, name)!.metadata.resourceVersion);

    // the second attempt's log stream closes early and is read on without repeating a line
    kube.addPod(namespace, "etl-extract-1", name, "n-extract-1");
    kube.printLog(namespace, "etl-extract-1", "attempt two", "counting");
    await eventually(async () => expect(await logOf(started.id, extractId, 2)).toBe("attempt two\ncounting\n"));
    kube.cutLogStreams(namespace, "etl-extract-1");
    kube.printLog(namespace, "etl-extract-1", "7");
    kube.endLog(namespace, "etl-extract-1");

    // the API server forgot the history: the resumed watch gets 410 Gone and the namespace is listed again
    const listsBefore = kube.requests.filter((r) => r.method === "GET" && r.path.endsWith(`/namespaces/${namespace}/workflows`) && r.query.get("watch") !== "true").length;
    kube.compact();
    kube.dropWatches();
    await eventually(
      () => expect(kube.requests.filter((r) => r.method === "GET" && r.path.endsWith(`/namespaces/${namespace}/workflows`) && r.query.get("watch") !== "true").length).toBeGreaterThan(listsBefore),
    );

    kube.setStatus(
      namespace,
      name,
      status(
        "Succeeded",
        [
          root("Succeeded"),
          node("n-extract", `${name}.extract`, "Retry", "Succeeded", { boundaryID: name, children: ["n-extract-0", "n-extract-1"], outputs: { result: "7", exitCode: "0" } }),
          node("n-extract-0", `${name}.extract(0)`, "Pod", "Failed", { boundaryID: name, message: "Error (exit code 1)", outputs: { exitCode: "1" } }),
          node("n-extract-1", `${name}.extract(1)`, "Pod", "Succeeded", { boundaryID: name, outputs: { result: "7", exitCode: "0" } }),
          node("n-load", `${name}.load`, "Pod", "Succeeded", { boundaryID: name, outputs: { result: "loaded", exitCode: "0" } }),
        ],
        { finishedAt: at(), outputs: { parameters: [{ name: "total", value: "7" }] } },
      ),
    );
    kube.addPod(namespace, "etl-load", name, "n-load");
    kube.printLog(namespace, "etl-load", "loaded");
    kube.endLog(namespace, "etl-load");

    const run = await waitForRun(fx.admin, fx.workspaceId, started.id, 20_000);
    expect(run).toMatchObject({ state: "succeeded", outputs: { total: 7 }, error: null });
    expect(stepByKey(run, "extract")).toMatchObject({ state: "succeeded", attempt: 2, exitCode: 0, outputs: { out: 7 } });
    expect(stepByKey(run, "extract").attempts.map((a) => [a.attempt, a.state, a.exitCode])).toEqual([
      [1, "failed", 1],
      [2, "succeeded", 0],
    ]);
    expect(stepByKey(run, "load")).toMatchObject({ state: "succeeded", outputs: { out: "loaded" } });
    expect(await logOf(started.id, extractId, 1)).toBe("connecting with ***\nreading\nexit 1\n");
    expect(await logOf(started.id, extractId, 2)).toBe("attempt two\ncounting\n7\n");
    expect(await logOf(started.id, stepByKey(run, "load").id, 1)).toBe("loaded\n");
    // the run's Secret goes when it ends
    expect(kube.get("secrets", namespace, runSecretName(started.id))).toBeUndefined();

    // retry is a new run, submitted again
    const retried = await retryRun(fx.admin, { workspaceId: fx.workspaceId, runId: started.id, from: "start" });
    const again = await submitted(retried.id);
    expect(again.metadata.name).not.toBe(name);
    expect(retried).toMatchObject({ retryOf: started.id, engine: "argo" });
    await cancelRun(fx.admin, { workspaceId: fx.workspaceId, runId: retried.id });
  });

  it("cancels with Argo's stop, then terminates what still runs after the grace", async () => {
    const started = await startRun(fx.admin, { workspaceId: fx.workspaceId, workflow: "etl", trigger: "api" });
    const { metadata } = await submitted(started.id);
    const name = metadata.name;
    kube.setStatus(namespace, name, status("Running", [node(name, name, "DAG", "Running", { displayName: name }), node("c-extract", `${name}.extract`, "Pod", "Running", { boundaryID: name })]));
    await eventually(async () => expect(stepByKey(await getRun(fx.admin, { workspaceId: fx.workspaceId, runId: started.id }), "extract").state).toBe("running"));

    await cancelRun(fx.admin, { workspaceId: fx.workspaceId, runId: started.id });
    expect((await getRun(fx.admin, { workspaceId: fx.workspaceId, runId: started.id })).state).toBe("cancelled");
    const patches = () => kube.requests.filter((r) => r.method === "PATCH" && r.path.endsWith(`/workflows/${name}`));
    expect(patches()[0]).toMatchObject({ contentType: "application/merge-patch+json", body: { spec: { shutdown: "Stop" } } });
    await eventually(() => expect(patches().map((p) => (p.body as { spec: { shutdown: string } }).spec.shutdown)).toEqual(["Stop", "Terminate"]));

    kube.setStatus(namespace, name, status("Failed", [node(name, name, "DAG", "Failed", { displayName: name }), node("c-extract", `${name}.extract`, "Pod", "Failed", { boundaryID: name, message: "Stopped with strategy 'Terminate'" })], { finishedAt: at(), message: "Stopped with strategy 'Terminate'" }));
    await eventually(() => expect(kube.get("secrets", namespace, runSecretName(started.id))).toBeUndefined());
    const run = await getRun(fx.admin, { workspaceId: fx.workspaceId, runId: started.id });
    expect(run.state).toBe("cancelled");
    expect(run.steps.map((s) => [s.key, s.state])).toEqual([
      ["extract", "cancelled"],
      ["load", "cancelled"],
    ]);
  });

  it("ends a run whose pod never started, without waiting for a log that never comes", async () => {
    const started = await startRun(fx.admin, { workspaceId: fx.workspaceId, workflow: "etl", trigger: "api" });
    const { metadata } = await submitted(started.id);
    const name = metadata.name;
    kube.setStatus(namespace, name, status("Running", [node(name, name, "DAG", "Running", { displayName: name }), node("i-extract", `${name}.extract`, "Pod", "Running", { boundaryID: name })]));
    kube.addPod(namespace, "etl-image-pull", name, "i-extract");
    const message = 'Back-off pulling image "busybox": ErrImagePull';
    kube.setStatus(
      namespace,
      name,
      status("Failed", [node(name, name, "DAG", "Failed", { displayName: name }), node("i-extract", `${name}.extract`, "Pod", "Error", { boundaryID: name, message }), node("i-load", `${name}.load`, "Skipped", "Omitted", { boundaryID: name })], {
        finishedAt: at(),
        message: "child 'i-extract' failed",
      }),
    );
    const run = await waitForRun(fx.admin, fx.workspaceId, started.id, 10_000);
    expect(run).toMatchObject({ state: "failed", error: "child 'i-extract' failed" });
    expect(run.steps.map((s) => [s.key, s.state, s.error])).toEqual([
      ["extract", "failed", message],
      ["load", "omitted", null],
    ]);
    expect(kube.requests.some((r) => r.path.endsWith("/pods/etl-image-pull/log"))).toBe(true);
  });

  it("fails a run the cluster refuses, with the cluster's reason", async () => {
    const message = 'workflows.argoproj.io is forbidden: User "system:serviceaccount:sluice:sluice" cannot create resource "workflows"';
    kube.refuseNext("POST", "workflows", 403, message);
    const started = await startRun(fx.admin, { workspaceId: fx.workspaceId, workflow: "etl", trigger: "api" });
    const run = await waitForRun(fx.admin, fx.workspaceId, started.id, 10_000);
    expect(run).toMatchObject({ state: "failed", error: `The cluster refused to create the workflow: ${message}` });
    expect(kube.list("workflows", namespace).some((wf) => wf.metadata.labels?.["sluice.dev/run"] === started.id)).toBe(false);
  });

  it("says in the run's log what the Argo export could not carry over", async () => {
    await saveWorkflow(fx.admin, fx.workspaceId, "rounded", { steps: [sh("a", "true", { retry: { limit: 1, on: "OnFailure", backoff: { duration: "1s", factor: 1.5 } } })] });
    const started = await startRun(fx.admin, { workspaceId: fx.workspaceId, workflow: "rounded", trigger: "api" });
    // the warnings are written with the run's start, once the Workflow was created
    await eventually(async () => expect((await getRun(fx.admin, { workspaceId: fx.workspaceId, runId: started.id })).state).toBe("running"));
    const { items } = await listLogs(fx.admin, { workspaceId: fx.workspaceId, runId: started.id });
    expect(items.map((chunk) => [chunk.stream, chunk.text])).toEqual([["system", 'Argo: step a: Backoff factor 1.5 of step "a" is rounded to 2: Argo takes whole factors.\n']]);
    await cancelRun(fx.admin, { workspaceId: fx.workspaceId, runId: started.id });
  });

  it("keeps a schedule as a CronWorkflow (create, change, delete) and records the Workflows it starts as runs", async () => {
    const db = await database();
    const [workflow] = await db.select().from(workflows).where(and(eq(workflows.workspaceId, fx.workspaceId), eq(workflows.name, "etl")));
    const [schedule] = await db
      .insert(schedules)
      .values({ tenantId: fx.tenant.id, workspaceId: fx.workspaceId, workflowId: workflow.id, name: "nightly", cron: "0 2 * * *", timezone: "Europe/Oslo", overlapPolicy: "forbid", createdBy: fx.admin.id })
      .returning();
    await syncCronWorkflow(schedule);
    const cronName = cronWorkflowName(schedule.id);
    const cron = kube.get("cronworkflows", namespace, cronName)!;
    expect(cron.spec).toMatchObject({ schedules: ["0 2 * * *"], timezone: "Europe/Oslo", concurrencyPolicy: "Forbid", suspend: false });
    expect(Buffer.from((kube.get("secrets", namespace, scheduleSecretName(schedule.id))!.data as Record<string, string>)["db-password"], "base64").toString()).toBe(SECRET);

    await syncCronWorkflow({ ...schedule, paused: true, overlapPolicy: "replace" });
    const replace = kube.requests.filter((r) => r.method === "PUT" && r.path.endsWith(`/cronworkflows/${cronName}`));
    expect(replace).toHaveLength(1);
    expect(kube.get("cronworkflows", namespace, cronName)!.spec).toMatchObject({ suspend: true, concurrencyPolicy: "Replace" });

    // Argo fires it: a Workflow from its spec, labelled as the CronWorkflow says
    const spec = kube.get("cronworkflows", namespace, cronName)!.spec as { workflowSpec: unknown; workflowMetadata: { labels: Record<string, string>; annotations: Record<string, string> } };
    const fired = `${cronName}-1893456000`;
    kube.put("workflows", namespace, {
      apiVersion: "argoproj.io/v1alpha1",
      kind: "Workflow",
      metadata: { name: fired, labels: { ...spec.workflowMetadata.labels, "workflows.argoproj.io/cron-workflow": cronName }, annotations: { ...spec.workflowMetadata.annotations, "workflows.argoproj.io/scheduled-time": "2030-01-01T02:00:00+01:00" } },
      spec: spec.workflowSpec,
      status: status("Running", [node(fired, fired, "DAG", "Running", { displayName: fired })]),
    });
    let runId = "";
    await eventually(() => {
      runId = kube.get("workflows", namespace, fired)!.metadata.labels!["sluice.dev/run"];
      expect(runId).toBeTruthy();
    });
    const adopted = await getRun(fx.admin, { workspaceId: fx.workspaceId, runId });
    expect(adopted).toMatchObject({ state: "running", trigger: "schedule", triggerRef: schedule.id, startedBy: { kind: "system", name: "schedule nightly" }, engine: "argo" });
    expect((await db.select().from(schedules).where(eq(schedules.id, schedule.id)))[0].lastRunId).toBe(runId);
    kube.setStatus(namespace, fired, status("Succeeded", [node(fired, fired, "DAG", "Succeeded", { displayName: fired })], { finishedAt: at(), outputs: { parameters: [{ name: "total", value: "3" }] } }));
    expect(await waitForRun(fx.admin, fx.workspaceId, runId, 10_000)).toMatchObject({ state: "succeeded", outputs: { total: 3 } });
    // the schedule's Secret outlives its runs
    expect(kube.get("secrets", namespace, scheduleSecretName(schedule.id))).toBeDefined();

    await deleteCronWorkflow(schedule);
    expect(kube.get("cronworkflows", namespace, cronName)).toBeUndefined();
    expect(kube.get("secrets", namespace, scheduleSecretName(schedule.id))).toBeUndefined();
  });

  it("sent only requests the API serves", () => {
    expect(kube.unexpected).toEqual([]);
  });
});
