import type { ExecutionProvider } from "../provider";
import { localProvider } from "../local/provider";
import { wakeWorkers } from "../local/signals";
import { recordRun } from "../local/submit";
import { stopRuns } from "./cancel";

/**
 * The `argo` engine: a run is recorded for Argo in its starting statement, and the controller
 * (controller.ts, in the engine process) submits it as a Workflow once that commits. Its steps,
 * attempts and logs are Sluice's tables, kept by the controller from the watch, so reading them is the
 * local engine's reading. Cancelling stops its Workflow (Argo's stop; the controller terminates it
 * after the grace). Retrying is a new run, submitted again.
 */
export const argoProvider: ExecutionProvider = {
  name: "argo",

  start(executor, { run, alongside }) {
    return recordRun(executor, run, { engine: "argo" }, alongside);
  },

  submitted() {
    wakeWorkers();
  },

  cancel: stopRuns,
  stages: localProvider.stages,
  logs: localProvider.logs,
};
