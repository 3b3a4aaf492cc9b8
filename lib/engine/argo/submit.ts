import { and, asc, count, eq, isNull, sql } from "drizzle-orm";
import { database } from "@/db/client";
import { runLogs, runs, runSteps, tenants, workspaces } from "@/db/schema";
import { log } from "@/lib/log/logger";
import type { RunRow } from "../local/transitions";
import { shutdownWorkflow } from "./cancel";
import { compileWorkflow, secretsUsed } from "./compile";
import { kube, kubeMessage, kubeStatus, workflowsOf } from "./kube";
import { engineRef, RUN_LABEL, runSecretName, VERSION_LABEL, WORKFLOW_LABEL, workflowNameFor } from "./names";
import { runDefinitions } from "./record";
import { deleteSecret, MissingSecret, putSecret, secretManifest, secretValues } from "./secrets";
import type { ArgoWorkflowObject } from "./resources";
import { ensureInCluster } from "./workspaces";

/**
 * Starts queued `argo` runs: compiles each into a Workflow in its workspace's namespace, creates the
 * run's Secret and the Workflow, and records the run as running with its Workflow as engine reference.
 * Names come from the run, so starting again after a crash finds what was created. A run that the
 * cluster refuses (or that cannot compile: a missing secret, a callee gone) fails with the reason; one
 * the cluster cannot be reached for stays queued and is tried again. Workspaces with a concurrency
 * limit start no more than it allows.
 */

const BATCH = 20;
const RETRY_AFTER_MS = 5_000;
/** runs the cluster could not be reached for, and when to try them again */
const backoff = new Map<string, number>();

class RunRefused extends Error {}

export async function dispatchQueuedRuns(): Promise<void> {
  const db = await database();
  const queued = await db
    .select()
    .from(runs)
    .where(and(eq(runs.engine, "argo"), eq(runs.state, "queued"), isNull(runs.parentRunId)))
    .orderBy(asc(runs.createdAt))
    .limit(BATCH);
  for (const run of queued) {
    if ((backoff.get(run.id) ?? 0) > Date.now()) continue;
    try {
      await dispatch(run);
      backoff.delete(run.id);
    } catch (error) {
      if (error instanceof RunRefused) {
        await failRun(run, error.message);
        backoff.delete(run.id);
      } else {
        log().warn({ err: error, run: run.id }, "submitting a run to the cluster failed; trying again");
        backoff.set(run.id, Date.now() + RETRY_AFTER_MS);
      }
    }
  }
}

async function failRun(run: RunRow, error: string) {
  const db = await database();
  await db
    .update(runs)
    .set({ state: "failed", error, finishedAt: sql`now()` })
    .where(and(eq(runs.id, run.id), eq(runs.state, "queued")));
}

/** A call the cluster answered with a refusal (4xx other than 409/429) becomes the run's failure. */
async function cluster<T>(doing: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const status = kubeStatus(error);
    if (status !== undefined && status >= 400 && status < 500 && status !== 409 && status !== 429) throw new RunRefused(`The cluster refused to ${doing}: ${kubeMessage(error)}`);
    throw error;
  }
}

async function dispatch(run: RunRow): Promise<void> {
  const db = await database();
  const [ws] = await db.select({ ws: workspaces, tenantSlug: tenants.slug }).from(workspaces).innerJoin(tenants, eq(tenants.id, workspaces.tenantId)).where(eq(workspaces.id, run.workspaceId));
  if (ws.ws.maxConcurrentRuns !== null) {
    const [{ running }] = await db
      .select({ running: count() })
      .from(runs)
      .where(and(eq(runs.workspaceId, run.workspaceId), eq(runs.state, "running"), isNull(runs.parentRunId)));
    if (running >= ws.ws.maxConcurrentRuns) return;
  }
  const namespace = ws.ws.namespace ?? (await db.transaction((tx) => ensureInCluster(tx, ws.ws, ws.tenantSlug))).namespace!;
  const defs = await runDefinitions(run);
  const secretName = runSecretName(run.id);
  let values: Map<string, string>;
  try {
    values = await secretValues(run.workspaceId, secretsUsed(defs.spec, run.inputs, defs.callees), run.id);
  } catch (error) {
    if (error instanceof MissingSecret) throw new RunRefused(error.message);
    throw error;
  }
  const name = workflowNameFor(run);
  const labels = { [RUN_LABEL]: run.id, [WORKFLOW_LABEL]: run.workflowName.slice(0, 63), [VERSION_LABEL]: String(run.workflowVersion) };
  const { manifest, warnings } = compileWorkflow({ workflowName: run.workflowName, spec: defs.spec, callees: defs.callees, inputs: run.inputs, namespace, secretName }, name, labels);
  const { custom } = kube();
  await cluster("store the run's secrets", () => putSecret(secretManifest(secretName, namespace, values, { [RUN_LABEL]: run.id })));
  let created: ArgoWorkflowObject;
  try {
    created = (await cluster("create the workflow", () => custom.createNamespacedCustomObject({ ...workflowsOf(namespace), body: manifest }))) as ArgoWorkflowObject;
  } catch (error) {
    if (kubeStatus(error) !== 409) throw error;
    created = (await custom.getNamespacedCustomObject({ ...workflowsOf(namespace), name })) as ArgoWorkflowObject;
    if (created.metadata.labels?.[RUN_LABEL] !== run.id) throw new RunRefused(`A workflow named ${name} already exists in namespace ${namespace}.`);
  }
  const started = await db.transaction(async (tx) => {
    const [row] = await tx
      .update(runs)
      .set({ state: "running", startedAt: sql`now()`, engineRef: engineRef(namespace, name), engineCursor: created.metadata.resourceVersion ?? null })
      .where(and(eq(runs.id, run.id), eq(runs.state, "queued")))
      .returning();
    if (!row) return false;
    if (warnings.length > 0) {
      const text = warnings.map((w) => `Argo: ${w.step ? `step ${w.step.join("/")}: ` : ""}${w.message}\n`).join("");
      await tx.insert(runLogs).values({ runId: run.id, stream: "system", text });
    }
    if (defs.spec.steps.length > 0) {
      await tx
        .insert(runSteps)
        .values(defs.spec.steps.map((step) => ({ runId: run.id, key: step.name, name: step.name, kind: step.kind })))
        .onConflictDoNothing();
    }
    return true;
  });
  if (!started) {
    // cancelled while it was being submitted
    await shutdownWorkflow(namespace, name, "Terminate").catch(() => undefined);
    await deleteSecret(namespace, secretName).catch(() => undefined);
  }
}
