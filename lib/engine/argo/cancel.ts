import { and, eq, inArray, isNotNull } from "drizzle-orm";
import { database } from "@/db/client";
import { runs } from "@/db/schema";
import { log } from "@/lib/log/logger";
import { kube, MERGE_PATCH, unlessNotFound, workflowsOf } from "./kube";
import { parseEngineRef } from "./names";

/**
 * Argo's stop and terminate, as `argo stop` and `argo terminate` do them: `spec.shutdown` set by a
 * merge patch. Stop ends running pods and lets the exit handler run; Terminate ends everything now.
 * A cancelled run's Workflow is stopped at once, and terminated by the controller when it still runs
 * after SLUICE_ARGO_STOP_GRACE_MS.
 */

export type Shutdown = "Stop" | "Terminate";

export async function shutdownWorkflow(namespace: string, name: string, mode: Shutdown): Promise<void> {
  await unlessNotFound(() => kube().custom.patchNamespacedCustomObject({ ...workflowsOf(namespace), name, body: { spec: { shutdown: mode } } }, MERGE_PATCH));
}

/** Stops the Workflows of these runs (those that were submitted; queued ones never will be). */
export async function stopRuns(runIds: string[]): Promise<void> {
  if (runIds.length === 0) return;
  const db = await database();
  const submitted = await db
    .select({ id: runs.id, ref: runs.engineRef })
    .from(runs)
    .where(and(inArray(runs.id, runIds), eq(runs.engine, "argo"), isNotNull(runs.engineRef)));
  for (const run of submitted) {
    const { namespace, name } = parseEngineRef(run.ref!);
    // the controller stops it when it sees the cancelled run, if the cluster cannot be reached now
    await shutdownWorkflow(namespace, name, "Stop").catch((error) => log().warn({ err: error, run: run.id }, "stopping a workflow failed"));
  }
}
