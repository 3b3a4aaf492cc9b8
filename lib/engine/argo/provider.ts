import { eq } from "drizzle-orm";
import { runs } from "@/db/schema";
import type { ExecutionProvider } from "../provider";
import { localProvider } from "../local/provider";
import { wakeWorkers } from "../local/signals";
import type { RunRow, Tx } from "../local/transitions";
import { stopRuns } from "./cancel";

/**
 * The `argo` engine: a run is recorded for Argo in its starting transaction, and the controller
 * (controller.ts, in the engine process) submits it as a Workflow once that commits. Its steps,
 * attempts and logs are Sluice's tables, kept by the controller from the watch, so reading them is the
 * local engine's reading. Cancelling stops its Workflow (Argo's stop; the controller terminates it
 * after the grace). Retrying is a new run, submitted again.
 */
export const argoProvider: ExecutionProvider = {
  name: "argo",

  /** Records the engine on the run (and on the caller's copy of it, which it answers with). */
  async submit(tx: Tx, run: RunRow) {
    await tx.update(runs).set({ engine: "argo" }).where(eq(runs.id, run.id));
    run.engine = "argo";
  },

  submitted() {
    wakeWorkers();
  },

  cancel: stopRuns,
  stages: localProvider.stages,
  logs: localProvider.logs,
};
