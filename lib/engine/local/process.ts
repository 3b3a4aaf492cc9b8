import type { LogWriter } from "./log-writer";
import type { SandboxedCommand } from "./sandbox";

export type ProcessResult = { exitCode: number | null; signal: string | null; timedOut: boolean; cancelled: boolean; spawnError?: string };

const KILL_GRACE_MS = 2_000;

/**
 * Runs a step's process to its end: output into the log as it comes, killed (its whole process
 * group) at the timeout or when `signal` aborts — SIGTERM first, SIGKILL after a grace period.
 */
export function runProcess(command: SandboxedCommand, log: LogWriter, timeoutMs: number | undefined, signal: AbortSignal): Promise<ProcessResult> {
  return new Promise((resolve) => {
    let timedOut = false;
    let cancelled = false;
    let settled = false;
    const child = command.start();
    const killGroup = (sig: NodeJS.Signals) => {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-child.pid, sig);
      } catch {
        child.kill(sig);
      }
    };
    const stop = () => {
      killGroup("SIGTERM");
      setTimeout(() => killGroup("SIGKILL"), KILL_GRACE_MS).unref();
    };
    const timer = timeoutMs ? setTimeout(() => ((timedOut = true), stop()), timeoutMs) : undefined;
    const onAbort = () => ((cancelled = true), stop());
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
    child.stdout!.setEncoding("utf8").on("data", (text: string) => log.write("stdout", text));
    child.stderr!.setEncoding("utf8").on("data", (text: string) => log.write("stderr", text));
    const finish = (result: Omit<ProcessResult, "timedOut" | "cancelled">) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      resolve({ ...result, timedOut, cancelled });
    };
    child.once("error", (error) => finish({ exitCode: null, signal: null, spawnError: error.message }));
    child.once("close", (exitCode, sig) => finish({ exitCode, signal: sig }));
  });
}
