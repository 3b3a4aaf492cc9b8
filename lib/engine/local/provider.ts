import { and, asc, eq, gt, sql } from "drizzle-orm";
import { database } from "@/db/client";
import { runLogs, runSteps, stepAttempts } from "@/db/schema";
import type { ExecutionProvider, LogFilter } from "../provider";
import { presentLog, presentStep } from "../runs/presentation";
import { enqueue } from "./queue";
import { cancelRunsLocally, wakeWorkers } from "./signals";
import type { RunRow, Tx } from "./transitions";
import { CANCEL_CHANNEL } from "./worker";

/** The embedded engine: Sluice's own workers, fed by the PostgreSQL queue. */
export const localProvider: ExecutionProvider = {
  name: "local",

  async submit(tx: Tx, run: RunRow) {
    await enqueue(tx, [{ kind: "run.start", tenantKey: run.tenantId, payload: { runId: run.id }, uniqueKey: `run.start:${run.id}` }]);
  },

  submitted() {
    wakeWorkers();
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
