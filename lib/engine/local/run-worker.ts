import { log } from "@/lib/log/logger";
import "@/lib/apps/tasks";
import { registerTriggerJobs } from "../triggers/jobs";
import { relaySignals } from "./signals";
import { sandboxMode } from "./sandbox";
import { LocalWorker } from "./worker";

/**
 * Runs one worker until SIGTERM or SIGINT (then lets running steps finish for a while): the engine
 * process of the production server, and `sluice worker`. Answers when it has stopped.
 */
export async function runWorkerUntilStopped(options: { concurrency?: number; announce?: (message: string) => void } = {}) {
  registerTriggerJobs();
  const worker = new LocalWorker(options.concurrency);
  relaySignals();
  await worker.start();
  const mode = sandboxMode();
  (options.announce ?? ((message) => log().info(message)))(`Sluice worker ${worker.id} runs up to ${worker.concurrency} steps at once (${mode === "bwrap" ? "in bubblewrap sandboxes" : "on the host, without bubblewrap"}).`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  });
  await worker.stop();
}
