import { and, asc, eq, gt, sql } from "drizzle-orm";
import { database } from "@/db/client";
import { runLogs, runSteps, stepAttempts } from "@/db/schema";
import type { ExecutionProvider, LogFilter } from "../provider";
import { presentLog, presentStep } from "../runs/presentation";
import { cancelRunsLocally, wakeWorkers } from "./signals";
import { recordRun, runStartJob } from "./submit";
import { topGraph } from "./plan";
import { levelRows } from "./transitions";
import { CANCEL_CHANNEL } from "./worker";

/** The embedded engine: Sluice's own workers, fed by the PostgreSQL queue. */
export const localProvider: ExecutionProvider = {
  name: "local",

  /**
   * Started here, its first steps queued for any worker, unless a worker must decide first: whether
   * a limited workspace may run one more, which steps a retry keeps, or how a run of no steps ends.
   */
  async start(executor, { run, spec, workspaceLimit, alongside }) {
    const id = run.id ?? crypto.randomUUID();
    const atOnce = workspaceLimit === null && !run.reuseRunId && spec.steps.length > 0;
    const graph = topGraph(spec);
    const start = atOnce ? { steps: levelRows(id, null, graph, new Map(), () => false) } : { job: runStartJob({ id, tenantId: run.tenantId }) };
    return recordRun(executor, { ...run, id }, start, alongside);
  },

  submitted() {
    wakeWorkers({ queuedJobs: true });
  },

  async cancel(runIds: string[]) {
    cancelRunsLocally(runIds);
    const db = await database();
    await db.execute(sql`select pg_notify(${CANCEL_CHANNEL}, ${runIds.join(",")})`);
  },

  async stages(runId: string) {
    const db = await database();
    const [steps, attempts] = await Promise.all([
      db.select().from(runSteps).where(eq(runSteps.runId, runId)).orderBy(asc(runSteps.id)),
      db.select().from(stepAttempts).where(eq(stepAttempts.runId, runId)),
    ]);
    return steps.map((step) => presentStep(step, attempts));
  },

  async logs(runId: string, filter: LogFilter) {
    const db = await database();
    const rows = await db
      .select()
      .from(runLogs)
      .where(
        and(
          eq(runLogs.runId, runId),
          filter.stepId !== undefined ? eq(runLogs.stepId, filter.stepId) : undefined,
          filter.attempt !== undefined ? eq(runLogs.attempt, filter.attempt) : undefined,
          filter.after !== undefined ? gt(runLogs.id, filter.after) : undefined,
        ),
      )
      .orderBy(asc(runLogs.id))
      .limit(filter.limit);
    return rows.map(presentLog);
  },
};
