import { EventEmitter } from "node:events";
import { notifiesListeners } from "@/db/client";

/**
 * Signals to this process's workers: work is due (`wake`), runs were cancelled (`cancel`). In the
 * production server a web process also sends them to the primary, which relays them to the engine
 * process (scripts/serve.mjs), so a run started or cancelled in the UI reaches its worker at once
 * — on the embedded database too, where LISTEN/NOTIFY cannot cross connections.
 */
type Signal = { type: "sluice:wake" } | { type: "sluice:cancel"; runIds: string[] };

const bus = ((globalThis as { __sluiceSignals?: EventEmitter }).__sluiceSignals ??= new EventEmitter().setMaxListeners(100));

const relayed = () => Boolean(process.send) && process.env.SLUICE_PROCESS_ROLE === "web";

function send(signal: Signal) {
  bus.emit(signal.type, signal);
  if (relayed()) process.send!(signal);
}

let wakeRelayPending = false;

/**
 * Work is due. A web process's wake-ups of one turn of its event loop reach the engine process as
 * one. `queuedJobs`: the work is jobs, whose enqueuing statement sent a NOTIFY: on PostgreSQL that
 * wakes every worker's LISTEN, so the engine process needs no relay (an Argo run, which queues no
 * job, still does: its controller hears only this bus).
 */
export function wakeWorkers({ queuedJobs = false } = {}) {
  bus.emit("sluice:wake", { type: "sluice:wake" });
  if (!relayed() || wakeRelayPending || (queuedJobs && notifiesListeners())) return;
  wakeRelayPending = true;
  setImmediate(() => {
    wakeRelayPending = false;
    process.send!({ type: "sluice:wake" } satisfies Signal);
  });
}
export const cancelRunsLocally = (runIds: string[]) => send({ type: "sluice:cancel", runIds });

export function onWake(listener: () => void): () => void {
  bus.on("sluice:wake", listener);
  return () => void bus.off("sluice:wake", listener);
}

export function onCancel(listener: (runIds: string[]) => void): () => void {
  const handler = (signal: Extract<Signal, { type: "sluice:cancel" }>) => listener(signal.runIds);
  bus.on("sluice:cancel", handler);
  return () => void bus.off("sluice:cancel", handler);
}

/** In the engine process: the signals web processes sent, relayed by the primary. */
export function relaySignals() {
  process.on("message", (message: Signal) => {
    if (message?.type === "sluice:wake" || message?.type === "sluice:cancel") bus.emit(message.type, message);
  });
}
