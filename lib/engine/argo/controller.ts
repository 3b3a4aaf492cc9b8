import os from "node:os";
import { and, eq, isNotNull, notInArray, sql } from "drizzle-orm";
import { LRUCache } from "lru-cache";
import { database } from "@/db/client";
import { runs, workspaces } from "@/db/schema";
import { log } from "@/lib/log/logger";
import { onWake } from "../local/signals";
import type { RunRow } from "../local/transitions";
import { TERMINAL_RUN_STATES } from "../runs/schema";
import { shutdownWorkflow, type Shutdown } from "./cancel";
import { secretsUsed } from "./compile";
import { argoSettings, installationEngine } from "./config";
import { adoptScheduledRun } from "./cron";
import { holdLease, releaseLease } from "./lease";
import { engineRef, RUN_LABEL, runSecretName, SCHEDULE_LABEL, SECRET_ANNOTATION } from "./names";
import type { ObservedStep } from "./nodes";
import { PodLogReader } from "./pod-logs";
import { recordRunEnd, recordSteps, runDefinitions } from "./record";
import { isFinishedWorkflow, type ArgoWorkflowObject } from "./resources";
import { deleteSecret, secretValues } from "./secrets";
import { dispatchQueuedRuns } from "./submit";
import { NamespaceWatch } from "./watch";
import { startWorkspaceInformer } from "./workspaces";

/**
 * The `argo` engine's controller: submits queued runs, watches the Workflows of every workspace
 * namespace and records what they show (steps, attempts, logs, the run's end), stops and then
 * terminates the Workflows of cancelled runs, and — when the installation runs on Argo — keeps the
 * workspaces in step with their ConfigMaps. One runs per installation (a lease); it wakes when runs
 * are started (the engine signals) and looks again every second.
 */

const TICK_MS = 1_000;
const LEASE_MS = 15_000;
/** how long a finished run waits for its pods' logs to be read to the end */
const DRAIN_MS = 30_000;
const IN_USE_RECHECK_MS = 10_000;
const terminal = TERMINAL_RUN_STATES as RunRow["state"][];

type Stopping = { runId: string; namespace: string; name: string; cancelledAt: Date; mode: Shutdown | undefined };

export class ArgoController {
  readonly id = `${os.hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  private leader = false;
  private stopped = false;
  private loop: Promise<void> | undefined;
  private interrupt: () => void = () => undefined;
  private cleanups: (() => void)[] = [];
  private informer: { stop: () => Promise<void> } | undefined;
  private readonly watches = new Map<string, NamespaceWatch>();
  /** readers by node id, and the node ids read to the end */
  private readonly readers = new Map<string, PodLogReader>();
  private readonly read = new LRUCache<string, true>({ max: 100_000 });
  private readonly finishing = new Map<string, Promise<void>>();
  private readonly stopping = new Map<string, Stopping>();
  private readonly secrets = new LRUCache<string, string[]>({ max: 1_000 });
  private inUse = { value: false, checkedAt: 0 };

  async start() {
    this.cleanups.push(onWake(() => this.interrupt()));
    this.loop = this.run();
  }

  async stop() {
    this.stopped = true;
    this.interrupt();
    await this.loop;
    for (const cleanup of this.cleanups) cleanup();
    await this.resign();
  }

  get isLeader() {
    return this.leader;
  }

  private async run() {
    while (!this.stopped) {
      try {
        await this.tick();
      } catch (error) {
        log().error({ err: error }, "the argo controller's round failed");
      }
      if (this.stopped) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, TICK_MS);
        this.interrupt = () => (clearTimeout(timer), resolve());
      });
      this.interrupt = () => undefined;
    }
  }

  private async argoInUse(): Promise<boolean> {
    if (installationEngine() === "argo") return true;
    if (Date.now() - this.inUse.checkedAt > IN_USE_RECHECK_MS) {
      const db = await database();
      const [row] = await db.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.engine, "argo")).limit(1);
      this.inUse = { value: row !== undefined, checkedAt: Date.now() };
    }
    return this.inUse.value;
  }

  private async tick() {
    if (!(await this.argoInUse()) || !(await holdLease(this.id, LEASE_MS))) {
      if (this.leader) await this.resign();
      return;
    }
    this.leader = true;
    if (installationEngine() === "argo" && !this.informer) {
      // runs go on without it; it is started again next round
      this.informer = await startWorkspaceInformer().catch((error) => void log().error({ err: error }, "starting the workspace ConfigMap informer failed"));
    }
    await dispatchQueuedRuns();
    await this.watchNamespaces();
    await this.escalateStops();
  }

  private async resign() {
    this.leader = false;
    await this.informer?.stop();
    this.informer = undefined;
    await Promise.all([...this.watches.values()].map((watch) => watch.stop()));
    this.watches.clear();
    for (const reader of this.readers.values()) reader.stop();
    await Promise.all(this.finishing.values());
    await releaseLease(this.id).catch(() => undefined);
  }

  /** Every workspace namespace, and those of runs still going elsewhere (a workspace that moved back to local). */
  private async watchNamespaces() {
    const db = await database();
    const [spaces, active] = await Promise.all([
      db.selectDistinct({ namespace: workspaces.namespace }).from(workspaces).where(isNotNull(workspaces.namespace)),
      db
        .selectDistinct({ namespace: sql<string>`split_part(${runs.engineRef}, '/', 1)` })
        .from(runs)
        .where(and(eq(runs.engine, "argo"), isNotNull(runs.engineRef), notInArray(runs.state, terminal))),
    ]);
    const wanted = new Set([...spaces.map((row) => row.namespace!), ...active.map((row) => row.namespace)]);
    for (const namespace of wanted) {
      if (!this.watches.has(namespace)) this.watches.set(namespace, new NamespaceWatch(namespace, (wf, deleted) => this.onWorkflow(namespace, wf, deleted)));
    }
    for (const [namespace, watch] of this.watches) {
      if (!wanted.has(namespace)) {
        this.watches.delete(namespace);
        await watch.stop();
      }
    }
  }

  private async runOf(wf: ArgoWorkflowObject): Promise<RunRow | undefined> {
    const id = wf.metadata.labels?.[RUN_LABEL];
    if (id && /^[0-9a-f-]{36}$/.test(id)) {
      const db = await database();
      const [run] = await db.select().from(runs).where(eq(runs.id, id));
      return run;
    }
    if (wf.metadata.labels?.[SCHEDULE_LABEL]) return adoptScheduledRun(wf);
    return undefined;
  }

  /** One Workflow event, in the order of its namespace's events. */
  private async onWorkflow(namespace: string, wf: ArgoWorkflowObject, deleted: boolean) {
    const run = await this.runOf(wf);
    if (!run || run.engine !== "argo") return;
    const ref = engineRef(namespace, wf.metadata.name);
    const finished = isFinishedWorkflow(wf);
    if (deleted) {
      this.stopping.delete(ref);
      if (!finished || !terminal.includes(run.state)) await this.finish(run, { ...wf, status: { ...wf.status, phase: "Error", message: wf.status?.message ?? "The workflow was deleted from the cluster." } });
      return;
    }
    if (run.engineCursor === wf.metadata.resourceVersion && run.finishedAt && finished) return;
    const defs = await runDefinitions(run);
    const { steps, ids } = await recordSteps(run, wf, defs);
    const cancelled = run.state === "cancelled";
    await this.followLogs(run, wf, steps, ids, !terminal.includes(run.state) || (cancelled && !finished));
    if (cancelled && !finished) {
      const known = this.stopping.get(ref);
      this.stopping.set(ref, { runId: run.id, namespace, name: wf.metadata.name, cancelledAt: run.cancelRequestedAt ?? new Date(), mode: wf.spec?.shutdown ?? known?.mode });
    } else this.stopping.delete(ref);
    if (finished) await this.finish(run, wf);
  }

  /** Tells readers whose attempt ended, and (`start`) starts a reader for each attempt's pod not read yet. */
  private async followLogs(run: RunRow, wf: ArgoWorkflowObject, steps: ObservedStep[], ids: Map<string, number>, start: boolean) {
    for (const step of steps) {
      const stepId = ids.get(step.key);
      if (stepId === undefined) continue;
      for (const attempt of step.attempts) {
        if (attempt.type !== "Pod" || this.read.has(attempt.nodeId)) continue;
        let reader = this.readers.get(attempt.nodeId);
        if (!reader && !start) continue;
        if (!reader) {
          const created = new PodLogReader({
            runId: run.id,
            stepId,
            attempt: attempt.attempt,
            namespace: wf.metadata.namespace ?? "",
            workflow: wf.metadata.name,
            nodeId: attempt.nodeId,
            secrets: await this.secretsOf(run),
          });
          this.readers.set(attempt.nodeId, created);
          void created.done.then(() => {
            this.readers.delete(attempt.nodeId);
            this.read.set(attempt.nodeId, true);
          });
          reader = created;
        }
        if (attempt.finishedAt) reader.finished();
      }
    }
  }

  /** The secret values given to a run, to mask in its logs. */
  private async secretsOf(run: RunRow): Promise<string[]> {
    let values = this.secrets.get(run.id);
    if (!values) {
      const defs = await runDefinitions(run);
      values = [...(await secretValues(run.workspaceId, secretsUsed(defs.spec, run.inputs, defs.callees), run.id).catch(() => new Map<string, string>())).values()];
      this.secrets.set(run.id, values);
    }
    return values;
  }

  /** The Workflow ended: once its pods' logs are read (or after DRAIN_MS), the run ends and its Secret goes. */
  private async finish(run: RunRow, wf: ArgoWorkflowObject) {
    if (this.finishing.has(run.id)) return;
    const readers = [...this.readers.values()].filter((reader) => reader.target.runId === run.id);
    const done = (async () => {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(readers.map((reader) => reader.done)), new Promise((resolve) => (timer = setTimeout(resolve, DRAIN_MS)))]);
      clearTimeout(timer);
      for (const reader of readers) reader.stop();
      await recordRunEnd(run, wf, await runDefinitions(run));
      const secret = wf.metadata.annotations?.[SECRET_ANNOTATION];
      if (secret === runSecretName(run.id) && wf.metadata.namespace) await deleteSecret(wf.metadata.namespace, secret);
      this.secrets.delete(run.id);
    })()
      .catch((error) => log().error({ err: error, run: run.id }, "ending an argo run failed"))
      .finally(() => this.finishing.delete(run.id));
    this.finishing.set(run.id, done);
  }

  /** Cancelled runs' Workflows: stopped if the cancel could not reach the cluster, terminated after the grace. */
  private async escalateStops() {
    const { stopGraceMs } = argoSettings();
    for (const [ref, stopping] of this.stopping) {
      const mode: Shutdown | undefined = !stopping.mode ? "Stop" : stopping.mode === "Stop" && Date.now() - stopping.cancelledAt.getTime() >= stopGraceMs ? "Terminate" : undefined;
      if (!mode) continue;
      try {
        await shutdownWorkflow(stopping.namespace, stopping.name, mode);
        this.stopping.set(ref, { ...stopping, mode });
      } catch (error) {
        log().warn({ err: error, run: stopping.runId }, `could not ${mode.toLowerCase()} a cancelled run's workflow`);
      }
    }
  }
}

/** Runs the controller in this process (the server's engine process, `sluice worker`) until `stop()`. */
export async function startArgoController(): Promise<ArgoController> {
  const controller = new ArgoController();
  await controller.start();
  return controller;
}

/** Runs a process's engine work (the local worker) with the controller beside it, and stops it after. */
export async function withArgoController<T>(work: () => Promise<T>): Promise<T> {
  const controller = await startArgoController();
  try {
    return await work();
  } finally {
    await controller.stop();
  }
}
