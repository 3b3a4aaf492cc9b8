import { and, asc, eq, like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { database } from "@/db/client";
import { auditEvents, jobs, schedules, workspaces } from "@/db/schema";
import { engineFixture, saveWorkflow, sh } from "@/lib/engine/testing/engine";
import { resetKube } from "../argo/kube";
import { KubeTestServer } from "../argo/kube-server.testing";
import { cronWorkflowName } from "../argo/names";
import { createSchedule, deleteSchedule, pauseSchedule, updateSchedule } from "./schedules";

/** On the `argo` engine a schedule is its CronWorkflow: the schedules service keeps the two together. */
let kube: KubeTestServer;
let fx: Awaited<ReturnType<typeof engineFixture>>;
let namespace: string;

beforeAll(async () => {
  kube = await KubeTestServer.start();
  vi.stubEnv("KUBECONFIG", kube.kubeconfig);
  vi.stubEnv("SLUICE_ENGINE", "argo");
  vi.stubEnv("SLUICE_K8S_CONFIG_NAMESPACE", "sluice-config");
  resetKube();
  kube.put("namespaces", null, { metadata: { name: "sluice-config", labels: { "sluice.dev/part": "workspaces" } } });
  fx = await engineFixture("sched-argo");
  const db = await database();
  namespace = (await db.select().from(workspaces).where(eq(workspaces.id, fx.workspaceId)))[0].namespace!;
  await saveWorkflow(fx.admin, fx.workspaceId, "etl", { inputs: [{ name: "day", type: "string", required: true }], steps: [sh("extract", "echo {{inputs.day}}")] });
});

afterAll(async () => {
  await kube.close();
  vi.unstubAllEnvs();
  resetKube();
});

describe("schedules on the argo engine", () => {
  it("create, change, pause and delete the schedule's CronWorkflow; no slot job is queued here", async () => {
    const created = await createSchedule(fx.admin, { workspaceId: fx.workspaceId, workflow: "etl", name: "nightly", cron: "0 2 * * *", timezone: "Europe/Oslo", inputs: { day: "today" }, overlapPolicy: "forbid" });
    const name = cronWorkflowName(created.id);
    expect(kube.get("cronworkflows", namespace, name)?.spec).toMatchObject({ schedules: ["0 2 * * *"], timezone: "Europe/Oslo", concurrencyPolicy: "Forbid", suspend: false });
    expect(created.nextFireTimes).toHaveLength(5);
    const db = await database();
    expect(await db.select().from(jobs).where(like(jobs.uniqueKey, `schedule:${created.id}:%`))).toEqual([]);

    const scheduleRef = { workspaceId: fx.workspaceId, workflow: "etl", scheduleId: created.id };
    await updateSchedule(fx.admin, { ...scheduleRef, cron: "30 3 * * 1-5", overlapPolicy: "replace" });
    expect(kube.get("cronworkflows", namespace, name)?.spec).toMatchObject({ schedules: ["30 3 * * 1-5"], concurrencyPolicy: "Replace", suspend: false });
    await pauseSchedule(fx.admin, scheduleRef);
    expect(kube.get("cronworkflows", namespace, name)?.spec).toMatchObject({ suspend: true });

    await deleteSchedule(fx.admin, scheduleRef);
    expect(kube.get("cronworkflows", namespace, name)).toBeUndefined();
    expect(await db.select().from(schedules).where(eq(schedules.id, created.id))).toEqual([]);
  });

  it("creates no schedule the cluster refuses", async () => {
    kube.refuseNext("POST", "cronworkflows", 403, "cronworkflows is forbidden");
    const refused = await createSchedule(fx.admin, { workspaceId: fx.workspaceId, workflow: "etl", name: "refused", cron: "0 2 * * *", inputs: { day: "x" } }).catch((e) => e);
    expect(refused).toMatchObject({ status: 422, code: "cluster_refused" });
    const db = await database();
    const [left] = await db.select().from(schedules).where(and(eq(schedules.workspaceId, fx.workspaceId), eq(schedules.name, "refused")));
    expect(left).toBeUndefined();
    const audited = await db.select({ action: auditEvents.action }).from(auditEvents).where(and(eq(auditEvents.workspaceId, fx.workspaceId), like(auditEvents.action, "schedule.%"))).orderBy(asc(auditEvents.id));
    expect(audited.slice(-2).map((a) => a.action)).toEqual(["schedule.create", "schedule.delete"]);
  });

  it("sent only requests the API serves", () => {
    expect(kube.unexpected).toEqual([]);
  });
});
