import { Writable } from "node:stream";
import { and, eq, max } from "drizzle-orm";
import { database } from "@/db/client";
import { runLogs } from "@/db/schema";
import { log as logger } from "@/lib/log/logger";
import { MAX_LOG_BYTES, maskSecrets } from "../local/log-writer";
import { kube, kubeStatus } from "./kube";
import { ARGO_NODE_ID_ANNOTATION, ARGO_WORKFLOW_LABEL } from "./names";

/**
 * Step logs read from the pods while they exist, kept in `run_logs` as they come (masked), so they
 * outlive the pods. Each line comes with the kubelet's timestamp, which becomes the chunk's time: a
 * reader that starts again (the stream closed early, the controller restarted) asks for the lines
 * since the last one it kept and skips those it has. Only the `main` container is read (Argo's
 * `wait` and `init` containers are its own).
 */

export type PodLogTarget = {
  runId: string;
  stepId: number;
  attempt: number;
  namespace: string;
  workflow: string;
  nodeId: string;
  /** secret values given to the run: masked in what is kept */
  secrets: readonly string[];
};

const FLUSH_MS = 250;
const FLUSH_BYTES = 32 * 1024;
const RETRY_MS = 1_000;
/** a finished pod's stream that stays open this long without a line is closed (the API server may hold it) */
const IDLE_AFTER_END_MS = 5_000;

type Line = { at: Date; text: string };

/** One `timestamp text` line of a log read with `timestamps=true`. */
export function parseLogLine(line: string): Line | undefined {
  const space = line.indexOf(" ");
  const at = new Date(space > 0 ? line.slice(0, space) : line);
  if (Number.isNaN(at.getTime())) return undefined;
  return { at, text: space > 0 ? line.slice(space + 1) : "" };
}

/** Pod names of a workflow's nodes, by node id (Argo annotates each pod with its node). */
async function podOf(target: PodLogTarget): Promise<string | undefined> {
  const pods = await kube().core.listNamespacedPod({ namespace: target.namespace, labelSelector: `${ARGO_WORKFLOW_LABEL}=${target.workflow}` });
  return pods.items.find((pod) => pod.metadata?.annotations?.[ARGO_NODE_ID_ANNOTATION] === target.nodeId)?.metadata?.name;
}

/** The reader of one attempt's pod; `finished()` tells it the pod's node ended, `done` settles when everything was read. */
export class PodLogReader {
  private nodeFinished = false;
  private stopped = false;
  private lastAt: Date | undefined;
  private total = 0;
  private pending: Line[] = [];
  private bytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private abort: AbortController | undefined;
  private wake: () => void = () => undefined;
  readonly done: Promise<void>;

  constructor(readonly target: PodLogTarget) {
    this.done = this.run().catch((error) => logger().warn({ err: error, run: target.runId, node: target.nodeId }, "reading a pod's log failed"));
  }

  finished() {
    this.nodeFinished = true;
    this.wake();
  }

  stop() {
    this.stopped = true;
    this.abort?.abort();
    this.wake();
  }

  private async run() {
    const db = await database();
    const [kept] = await db
      .select({ at: max(runLogs.at) })
      .from(runLogs)
      .where(and(eq(runLogs.stepId, this.target.stepId), eq(runLogs.attempt, this.target.attempt)));
    this.lastAt = kept?.at ?? undefined;
    let pod: string | undefined;
    while (!this.stopped && this.total < MAX_LOG_BYTES) {
      const finishedBefore = this.nodeFinished;
      pod ??= await podOf(this.target).catch(() => undefined);
      // once the attempt ended, one more read gets the rest (or finds a container that never started)
      if (pod) {
        const outcome = await this.readOnce(pod);
        if (outcome === "gone" || finishedBefore) break;
      } else if (finishedBefore) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, RETRY_MS);
        this.wake = () => (clearTimeout(timer), resolve());
      });
    }
    await this.flush();
  }

  /** Follows the log until the stream ends: "ended", "gone" (no pod), or "waiting" (its container has not started). */
  private async readOnce(pod: string): Promise<"ended" | "gone" | "waiting"> {
    let partial = "";
    let idle: NodeJS.Timeout | undefined;
    // lines up to the last one kept were read before; lines of this stream may share a millisecond
    const since = this.lastAt;
    const sink = new Writable({
      write: (chunk: Buffer, _encoding, callback) => {
        const lines = (partial + chunk.toString("utf8")).split("\n");
        partial = lines.pop() ?? "";
        for (const line of lines) this.take(line, since);
        if (idle) idle.refresh();
        callback();
      },
    });
    const ended = new Promise<void>((resolve) => {
      sink.on("finish", resolve);
      sink.on("close", resolve);
      sink.on("unpipe", resolve);
      this.wake = () => {
        // once the node ended, a stream that goes quiet is done
        if (this.nodeFinished) idle ??= setTimeout(() => this.abort?.abort(), IDLE_AFTER_END_MS);
        if (this.stopped) resolve();
      };
    });
    try {
      this.abort = await kube().log.log(this.target.namespace, pod, "main", sink, { follow: true, timestamps: true, ...(this.lastAt ? { sinceTime: this.lastAt.toISOString() } : {}) });
    } catch (error) {
      const status = kubeStatus(error);
      return status === 404 ? "gone" : "waiting";
    }
    this.abort.signal.addEventListener("abort", () => sink.end());
    if (this.nodeFinished) this.wake();
    await ended;
    clearTimeout(idle);
    if (partial) this.take(partial, since);
    return "ended";
  }

  private take(raw: string, since: Date | undefined) {
    const line = parseLogLine(raw);
    if (!line || (since && line.at <= since)) return;
    this.lastAt = line.at;
    const text = maskSecrets(line.text, this.target.secrets);
    this.total += text.length + 1;
    this.pending.push({ at: line.at, text: this.total >= MAX_LOG_BYTES ? `${text}\n[log truncated at ${MAX_LOG_BYTES} bytes]` : text });
    this.bytes += text.length + 1;
    if (this.bytes >= FLUSH_BYTES) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }

  /** Writes the pending lines as one chunk, timed by its last line. */
  private flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const lines = this.pending;
    this.pending = [];
    this.bytes = 0;
    if (lines.length > 0) {
      const { runId, stepId, attempt } = this.target;
      this.writing = this.writing
        .then(async () => {
          const db = await database();
          await db.insert(runLogs).values({ runId, stepId, attempt, stream: "stdout", text: lines.map((l) => `${l.text}\n`).join(""), at: lines[lines.length - 1].at });
        })
        .catch((error) => logger().warn({ err: error, run: runId }, "keeping a pod's log failed"));
    }
    return this.writing;
  }
}
