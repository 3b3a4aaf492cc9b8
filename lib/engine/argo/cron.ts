import { and, eq, sql } from "drizzle-orm";
import { database } from "@/db/client";
import { runs, runSteps, schedules, tenants, workflows, workspaces, type OverlapPolicy } from "@/db/schema";
import { recordAudit } from "@/lib/audit/service";
import { describePrincipal } from "@/lib/auth/principal";
import { AppError } from "@/lib/errors";
import { ARGO_API_VERSION } from "@/lib/workflows/argo/types";
import { recordRun } from "../local/submit";
import { triggerPrincipal } from "../triggers/principal";
import type { RunRow } from "../local/transitions";
import { compileWorkflow, secretsUsed, type RunWorkflowSpec } from "./compile";
import { clusterUnavailable, cronWorkflowsOf, kube, kubeMessage, kubeStatus, MERGE_PATCH, unlessNotFound, workflowsOf } from "./kube";
import { cronWorkflowName, engineRef, MANAGED_BY, RUN_LABEL, SCHEDULE_LABEL, scheduleSecretName, VERSION_LABEL, WORKFLOW_LABEL } from "./names";
import { runDefinitions } from "./record";
import type { ArgoWorkflowObject } from "./resources";
import { deleteSecret, MissingSecret, putSecret, secretManifest, secretValues } from "./secrets";
import { ensureInCluster } from "./workspaces";

/**
 * Schedules on the `argo` engine are CronWorkflows: Argo fires them, and the Workflows they create
 * (labelled with the schedule) become Sluice runs when the watch first sees them, triggered by the
 * schedule. The schedules service calls `syncCronWorkflow` when a schedule is created or changes
 * (cron, time zone, inputs, pause, overlap policy, dates — and, for a schedule of the latest version,
 * when a new version is saved) and `deleteCronWorkflow` when it is deleted. The secrets its runs read
 * live in one Secret kept with the CronWorkflow.
 */

type ScheduleRow = typeof schedules.$inferSelect;

const CONCURRENCY: Record<OverlapPolicy, "Allow" | "Forbid" | "Replace"> = { allow: "Allow", forbid: "Forbid", replace: "Replace" };
const SCHEDULED_TIME_ANNOTATION = "workflows.argoproj.io/scheduled-time";

export type CronWorkflowManifest = {
  apiVersion: typeof ARGO_API_VERSION;
  kind: "CronWorkflow";
  metadata: { name: string; namespace: string; labels: Record<string, string>; resourceVersion?: string };
  spec: {
    schedules: string[];
    timezone: string;
    concurrencyPolicy: "Allow" | "Forbid" | "Replace";
    suspend: boolean;
    when?: string;
    workflowMetadata: { labels: Record<string, string>; annotations?: Record<string, string> };
    workflowSpec: RunWorkflowSpec;
  };
};

/** Argo's `when` (v3.6) keeps the CronWorkflow to the schedule's start and end dates. */
function window(schedule: Pick<ScheduleRow, "startAt" | "endAt">): string | undefined {
  const conditions = [
    ...(schedule.startAt ? [`now() >= date('${schedule.startAt.toISOString()}')`] : []),
    ...(schedule.endAt ? [`now() < date('${schedule.endAt.toISOString()}')`] : []),
  ];
  return conditions.length > 0 ? `{{= ${conditions.join(" && ")} }}` : undefined;
}

type CronInput = {
  schedule: Pick<ScheduleRow, "id" | "cron" | "timezone" | "inputs" | "overlapPolicy" | "paused" | "startAt" | "endAt">;
  workflowName: string;
  version: number;
  namespace: string;
} & Pick<Parameters<typeof compileWorkflow>[0], "spec" | "callees">;

/** The CronWorkflow of a schedule: the workflow version compiled as for a run, with the schedule's inputs. */
export function compileCronWorkflow(input: CronInput): CronWorkflowManifest {
  const { schedule, namespace } = input;
  const name = cronWorkflowName(schedule.id);
  const labels = { [SCHEDULE_LABEL]: schedule.id, [WORKFLOW_LABEL]: input.workflowName.slice(0, 63), [VERSION_LABEL]: String(input.version) };
  const { manifest: workflow } = compileWorkflow(
    { workflowName: input.workflowName, spec: input.spec, callees: input.callees, inputs: schedule.inputs, namespace, secretName: scheduleSecretName(schedule.id) },
    name,
    labels,
  );
  const when = window(schedule);
  return {
    apiVersion: ARGO_API_VERSION,
    kind: "CronWorkflow",
    metadata: { name, namespace, labels: { ...labels, [MANAGED_BY]: "sluice" } },
    spec: {
      schedules: [schedule.cron],
      timezone: schedule.timezone,
      concurrencyPolicy: CONCURRENCY[schedule.overlapPolicy],
      suspend: schedule.paused,
      ...(when ? { when } : {}),
      workflowMetadata: { labels: workflow.metadata.labels!, annotations: workflow.metadata.annotations },
      workflowSpec: workflow.spec,
    },
  };
}

async function scheduleContext(schedule: Pick<ScheduleRow, "workspaceId" | "workflowId">) {
  const db = await database();
  const [found] = await db
    .select({ ws: workspaces, tenantSlug: tenants.slug, workflow: workflows })
    .from(workspaces)
    .innerJoin(tenants, eq(tenants.id, workspaces.tenantId))
    .innerJoin(workflows, eq(workflows.id, schedule.workflowId))
    .where(eq(workspaces.id, schedule.workspaceId));
  if (!found) throw new AppError(404, "not_found", "The schedule's workflow does not exist.");
  const namespace = found.ws.namespace ?? (await db.transaction((tx) => ensureInCluster(tx, found.ws, found.tenantSlug))).namespace!;
  return { ...found, namespace };
}

/** Creates or replaces a schedule's CronWorkflow and its Secret. */
export async function syncCronWorkflow(schedule: ScheduleRow): Promise<CronWorkflowManifest> {
  const { workflow, namespace } = await scheduleContext(schedule);
  const version = schedule.version ?? workflow.latestVersion;
  const defs = await runDefinitions({ workspaceId: schedule.workspaceId, workflowId: workflow.id, workflowVersion: version });
  let values: Map<string, string>;
  try {
    values = await secretValues(schedule.workspaceId, secretsUsed(defs.spec, schedule.inputs, defs.callees));
  } catch (error) {
    if (error instanceof MissingSecret) throw new AppError(400, "secret_missing", error.message);
    throw error;
  }
  const manifest = compileCronWorkflow({ schedule, workflowName: workflow.name, version, namespace, spec: defs.spec, callees: defs.callees });
  const { custom } = kube();
  try {
    await putSecret(secretManifest(scheduleSecretName(schedule.id), namespace, values, { [SCHEDULE_LABEL]: schedule.id }));
    const existing = (await unlessNotFound(() => custom.getNamespacedCustomObject({ ...cronWorkflowsOf(namespace), name: manifest.metadata.name }))) as CronWorkflowManifest | undefined;
    if (existing) {
      await custom.replaceNamespacedCustomObject({
        ...cronWorkflowsOf(namespace),
        name: manifest.metadata.name,
        body: { ...manifest, metadata: { ...manifest.metadata, resourceVersion: existing.metadata.resourceVersion } },
      });
    } else await custom.createNamespacedCustomObject({ ...cronWorkflowsOf(namespace), body: manifest });
  } catch (error) {
    const status = kubeStatus(error);
    if (status !== undefined && status >= 400 && status < 500) throw new AppError(422, "cluster_refused", `The cluster refused the schedule's CronWorkflow: ${kubeMessage(error)}`);
    throw clusterUnavailable(error, "store the schedule's CronWorkflow");
  }
  return manifest;
}

/** Deletes a schedule's CronWorkflow and Secret (Workflows it started and their runs stay). */
export async function deleteCronWorkflow(schedule: Pick<ScheduleRow, "id" | "workspaceId">): Promise<void> {
  const db = await database();
  const [ws] = await db.select({ namespace: workspaces.namespace }).from(workspaces).where(eq(workspaces.id, schedule.workspaceId));
  if (!ws?.namespace) return;
  const namespace = ws.namespace;
  try {
    await unlessNotFound(() => kube().custom.deleteNamespacedCustomObject({ ...cronWorkflowsOf(namespace), name: cronWorkflowName(schedule.id) }));
    await deleteSecret(namespace, scheduleSecretName(schedule.id));
  } catch (error) {
    throw clusterUnavailable(error, "delete the schedule's CronWorkflow");
  }
}

/**
 * A Workflow a CronWorkflow created, as a run: recorded the first time the watch sees it (triggered
 * by its schedule, started by the system), then labelled with the run's id.
 */
export async function adoptScheduledRun(wf: ArgoWorkflowObject): Promise<RunRow | undefined> {
  const scheduleId = wf.metadata.labels?.[SCHEDULE_LABEL];
  const namespace = wf.metadata.namespace;
  if (!scheduleId || !namespace || !/^[0-9a-f-]{36}$/.test(scheduleId)) return undefined;
  const ref = engineRef(namespace, wf.metadata.name);
  const db = await database();
  const [known] = await db.select().from(runs).where(and(eq(runs.engine, "argo"), eq(runs.engineRef, ref)));
  if (known) return known;
  const [found] = await db.select({ schedule: schedules, workflow: workflows }).from(schedules).innerJoin(workflows, eq(workflows.id, schedules.workflowId)).where(eq(schedules.id, scheduleId));
  if (!found) return undefined;
  const { schedule, workflow } = found;
  const version = Number(wf.metadata.labels?.[VERSION_LABEL]) || schedule.version || workflow.latestVersion;
  const defs = await runDefinitions({ workspaceId: schedule.workspaceId, workflowId: workflow.id, workflowVersion: version });
  const scheduledAt = wf.metadata.annotations?.[SCHEDULED_TIME_ANNOTATION];
  const [tenant] = await db.select({ id: tenants.id, slug: tenants.slug }).from(tenants).where(eq(tenants.id, schedule.tenantId));
  const starter = triggerPrincipal(tenant, "schedule", schedule);
  const run = await db.transaction(async (tx) => {
    const { run: created } = await recordRun(tx, {
      tenantId: schedule.tenantId,
      workspaceId: schedule.workspaceId,
      workflowId: workflow.id,
      workflowName: workflow.name,
      workflowVersion: version,
      inputs: schedule.inputs,
      trigger: "schedule",
      triggerRef: schedule.id,
      startedByKind: starter.kind,
      startedById: starter.id,
      startedByName: describePrincipal(starter),
    }, { engine: "argo" });
    const [row] = await tx
      .update(runs)
      .set({ engineRef: ref, state: "running", startedAt: wf.status?.startedAt ? new Date(wf.status.startedAt) : sql`now()` })
      .where(eq(runs.id, created.id))
      .returning();
    if (defs.spec.steps.length > 0) await tx.insert(runSteps).values(defs.spec.steps.map((step) => ({ runId: row.id, key: step.name, name: step.name, kind: step.kind }))).onConflictDoNothing();
    await tx
      .update(schedules)
      .set({ lastRunId: row.id, ...(scheduledAt && !Number.isNaN(Date.parse(scheduledAt)) ? { lastSlotAt: new Date(scheduledAt) } : {}) })
      .where(eq(schedules.id, schedule.id));
    await recordAudit(tx, starter, { action: "run.start", targetType: "run", targetId: row.id, workspaceId: row.workspaceId, after: { workflow: workflow.name, version, trigger: "schedule", workflowRef: ref } });
    return row;
  });
  await kube()
    .custom.patchNamespacedCustomObject({ ...workflowsOf(namespace), name: wf.metadata.name, body: { metadata: { labels: { [RUN_LABEL]: run.id } } } }, MERGE_PATCH)
    .catch(() => undefined);
  return run;
}
