import os from "node:os";
import { and, eq, inArray, isNotNull, or } from "drizzle-orm";
import { LRUCache } from "lru-cache";
import pg from "pg";
import { database, databaseUrl, isEmbedded } from "@/db/client";
import { jobs, runs, runSteps, workflowVersions } from "@/db/schema";
import { log } from "@/lib/log/logger";
import type { WorkflowSpec } from "@/lib/workflows/model";
import { claimAndStart, executeStepJob, type Loaded, type StepRuntime } from "./execute";
import { LEASE_MS, listenForWakes, nextDueAt, renewLeases, type Job } from "./queue";
import { onCancel, onWake, wakeWorkers } from "./signals";
import { finishStep, startRun, type Ctx, type RunRow, type Started } from "./transitions";
import { keepSandboxesWarm } from "./warm-sandboxes";

/** A transaction PostgreSQL rolled back to break a deadlock, or a serialization failure: running it again is the fix. */
const TRANSACTION_ATTEMPTS = 3;
const lostToConcurrency = (error: unknown) => ["40P01", "40001"].includes(String((error as { cause?: { code?: unknown } })?.cause?.code));

/** Work other parts of Sluice put on the queue (schedules, background tasks), by job kind. */
export type JobHandler = (job: Job, ctx: { worker: string; signal: AbortSignal }) => Promise<void>;
const handlers = new Map<string, JobHandler>();
export function registerJobHandler(kind: string, handler: JobHandler) {
  handlers.set(kind, handler);
}

export const CANCEL_CHANNEL = "sluice_cancel";

const specs = new LRUCache<string, WorkflowSpec>({ max: 1000 });
/** reads of specs in flight outside transactions: a run's parallel steps starting at once share one */
const reading = new Map<string, Promise<WorkflowSpec>>();

/**
 * The spec of a run's workflow version (versions never change, so they are cached). Inside a
 * transaction pass its executor: on the embedded database another connection would wait for it.
 */
export async function loadSpec(run: Pick<RunRow, "workflowId" | "workflowVersion">, executor?: Pick<Ctx["tx"], "select">): Promise<WorkflowSpec> {
  const key = `${run.workflowId}@${run.workflowVersion}`;
  const cached = specs.get(key);
  if (cached) return cached;
  if (executor) return readSpec(key, run, executor);
  let read = reading.get(key);
  if (!read) {
    read = (async () => readSpec(key, run, await database()))().finally(() => reading.delete(key));
    reading.set(key, read);
  }
  return read;
}

async function readSpec(key: string, run: Pick<RunRow, "workflowId" | "workflowVersion">, db: Pick<Ctx["tx"], "select">): Promise<WorkflowSpec> {
  const [row] = await db.select({ spec: workflowVersions.spec }).from(workflowVersions).where(and(eq(workflowVersions.workflowId, run.workflowId), eq(workflowVersions.version, run.workflowVersion)));
  if (!row) throw new Error(`workflow version ${key} does not exist`);
  specs.set(key, row.spec);
  return row.spec;
}

type Active = { controller: AbortController; runId?: string };

/**
 * A worker of the local engine: claims jobs (steps first come from the transaction that made them
 * ready), runs up to `concurrency` at once, renews its leases, and stops the steps of cancelled runs.
 * `npm start` runs one inside the server; `sluice worker` runs more, here or on other machines.
 */
export class LocalWorker {
  readonly id = `${os.hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  private readonly active = new Map<number, Active>();
  private reserved = 0;
  private stopped = false;
  /** set by `wake` until the loop looks for work again, so no wake-up is lost between a claim and a wait */
  private woken = false;
  /** Whether the queue may hold work this worker had no free slot for (then a finished job claims again). */
  private backlog = true;
  private interrupt: () => void = () => undefined;
  private loop: Promise<void> | undefined;
  private cleanups: (() => Promise<void> | void)[] = [];

  constructor(readonly concurrency = Number(process.env.SLUICE_WORKER_CONCURRENCY) || 16) {}

  get busy() {
    return this.active.size + this.reserved;
  }

  async start() {
    const kick = () => this.wake();
    this.cleanups.push(onWake(kick));
    this.cleanups.push(await listenForWakes(kick));
    this.cleanups.push(onCancel((runIds) => this.abortRuns(runIds)));
    this.cleanups.push(keepSandboxesWarm(this.concurrency));
    this.cleanups.push(await this.listenForCancels());
    const heartbeat = setInterval(() => void this.heartbeat().catch((error) => log().error({ err: error }, "worker heartbeat failed")), Math.min(5_000, LEASE_MS / 3));
    this.cleanups.push(() => clearInterval(heartbeat));
    this.loop = this.run();
  }

  async stop(graceMs = 10_000) {
    this.stopped = true;
    this.wake();
    await this.loop;
    const deadline = Date.now() + graceMs;
    while (this.active.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    for (const active of this.active.values()) active.controller.abort();
    for (const cleanup of this.cleanups) await cleanup();
  }

  private async run() {
    const pollMs = (await isEmbedded()) ? 250 : 2_000;
    while (!this.stopped) {
      this.woken = false;
      const free = this.concurrency - this.busy;
      let claimed: Job[] = [];
      if (free > 0) {
        let started = new Map<number, Loaded>();
        try {
          ({ jobs: claimed, started } = await claimAndStart(this.id, free));
        } catch (error) {
          log().error({ err: error }, "claiming jobs failed");
        }
        // a job of ours whose lease lapsed (a slow heartbeat) is still ours: it runs already
        for (const job of claimed.filter((job) => !this.active.has(job.id))) this.dispatch(job, job.kind === "step" ? started.get(Number(job.payload.stepId)) : undefined);
      }
      // the queue had no more for us, unless work was announced while we claimed
      if (!this.woken && free > 0 && claimed.length < free) this.backlog = false;
      if (claimed.length > 0 && claimed.length === free) continue;
      const due = free > 0 ? await nextDueAt().catch(() => undefined) : undefined;
      const waitMs = due ? Math.max(0, Math.min(pollMs, due.getTime() - Date.now())) : pollMs;
      if (this.woken) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        this.interrupt = () => (clearTimeout(timer), resolve());
      });
      this.interrupt = () => undefined;
    }
  }

  private wake() {
    this.woken = true;
    this.backlog = true;
    this.interrupt();
  }

  /** Runs a job; a `loaded` step was marked running by this worker, as it was readied or claimed. */
  private dispatch(job: Pick<Job, "id" | "kind" | "payload">, loaded?: Loaded) {
    const controller = new AbortController();
    const runId = typeof job.payload.runId === "string" ? job.payload.runId : undefined;
    this.active.set(job.id, { controller, runId });
    void this.handle(job, controller.signal, loaded)
      .catch((error) => this.failJob(job, error))
      .finally(() => {
        this.active.delete(job.id);
        // a step's successors were claimed in its own transaction; new work anywhere else wakes the worker
        if (this.backlog) this.wake();
      });
  }

  private runtime(signal: AbortSignal): StepRuntime {
    return { worker: this.id, loadSpec: (run) => loadSpec(run), signal, transact: (work, alone) => this.transact(work, alone) };
  }

  private async handle(job: Pick<Job, "id" | "kind" | "payload">, signal: AbortSignal, loaded?: Loaded) {
    switch (job.kind) {
      case "step":
        return executeStepJob(this.runtime(signal), job.id, Number(job.payload.stepId), loaded);
      case "run.start":
        return this.transact(
          async (ctx) => {
            await startRun(ctx, String(job.payload.runId));
            await ctx.tx.delete(jobs).where(eq(jobs.id, job.id));
          },
          false,
          true,
        );
      default: {
        const handler = handlers.get(job.kind);
        if (!handler) throw new Error(`no handler for jobs of kind "${job.kind}"`);
        await handler(job as Job, { worker: this.id, signal });
        const db = await database();
        await db.delete(jobs).where(and(eq(jobs.id, job.id), eq(jobs.lockedBy, this.id)));
      }
    }
  }

  /**
   * A transaction of the state machine — or, `alone`, one statement committed on its own and then
   * what it handed on (`followUp`) in a transaction; the steps it claimed for this worker start
   * after the commit. `ending`: the last work of a run.start job, whose slot is free once it
   * commits — a step it makes ready may take that slot (this worker runs one over its concurrency for
   * that moment). A step's end does not: under load its successors go through the queue, where
   * tenants take turns.
   */
  async transact(work: (ctx: Ctx) => Promise<void>, alone = false, ending = false) {
    const db = await database();
    // the slots this transaction reserved; other transactions reserve theirs at the same time
    let held = 0;
    const ctx: Ctx = {
      tx: undefined as unknown as Ctx["tx"],
      worker: this.id,
      started: [],
      queued: false,
      alone,
      loadSpec: (run) => loadSpec(run, ctx.tx),
      take: () => {
        if (this.stopped || this.busy >= this.concurrency + (ending ? 1 : 0)) return false;
        this.reserved += 1;
        held += 1;
        return true;
      },
      release: (slots) => {
        this.reserved -= slots;
        held -= slots;
      },
    };
    const attempt = async (tx: Ctx["tx"]) => {
      ctx.tx = tx;
      ctx.started = [];
      ctx.queued = false;
      ctx.followUp = undefined;
      await work(ctx);
    };
    for (let tries = 1; ; tries++) {
      try {
        await (alone ? attempt(db as unknown as Ctx["tx"]) : db.transaction(attempt));
        break;
      } catch (error) {
        ctx.release(held);
        if (tries >= TRANSACTION_ATTEMPTS || !lostToConcurrency(error)) throw error;
      }
    }
    for (const started of ctx.started) this.startClaimed(started);
    if (ctx.queued) wakeWorkers({ queuedJobs: true });
    if (ctx.followUp) await this.transact(ctx.followUp, false, ending);
  }

  private startClaimed(started: Started) {
    this.reserved -= 1;
    this.dispatch({ id: started.jobId, kind: "step", payload: { stepId: started.stepId, runId: started.runId } }, started.loaded);
  }

  /** A job whose handler threw: a step fails with the error (its run carries on), other jobs are retried by the queue. */
  private async failJob(job: Pick<Job, "id" | "kind" | "payload">, error: unknown) {
    log().error({ err: error, job: job.id, kind: job.kind }, "job failed");
    if (job.kind !== "step") return;
    const db = await database();
    const [found] = await db.select({ row: runSteps, run: runs }).from(runSteps).innerJoin(runs, eq(runs.id, runSteps.runId)).where(eq(runSteps.id, Number(job.payload.stepId)));
    if (!found) return;
    await this.transact((ctx) => finishStep(ctx, found.run, found.row, { state: "failed", error: `Sluice could not run this step: ${(error as Error).message}` }, job.id)).catch((e) =>
      log().error({ err: e }, "could not record a failed step"),
    );
  }

  private abortRuns(runIds: string[]) {
    const wanted = new Set(runIds);
    for (const active of this.active.values()) if (active.runId && wanted.has(active.runId)) active.controller.abort();
  }

  private async heartbeat() {
    const ids = [...this.active.keys()];
    if (ids.length === 0) return;
    await renewLeases(this.id, ids);
    const runIds = [...new Set([...this.active.values()].flatMap((a) => (a.runId ? [a.runId] : [])))];
    if (runIds.length === 0) return;
    const db = await database();
    const ended = await db
      .select({ id: runs.id })
      .from(runs)
      .where(and(inArray(runs.id, runIds), or(isNotNull(runs.cancelRequestedAt), inArray(runs.state, ["cancelled", "failed", "succeeded", "timed_out"]))));
    if (ended.length > 0) this.abortRuns(ended.map((r) => r.id));
  }

  /** Cancellations from other processes and machines (PostgreSQL); the heartbeat catches the rest. */
  private async listenForCancels(): Promise<() => Promise<void>> {
    if (await isEmbedded()) return async () => undefined;
    const client = new pg.Client({ connectionString: await databaseUrl() });
    client.on("error", () => undefined);
    await client.connect();
    client.on("notification", (message) => this.abortRuns((message.payload ?? "").split(",").filter(Boolean)));
    await client.query(`LISTEN ${CANCEL_CHANNEL}`);
    return async () => void (await client.end().catch(() => undefined));
  }
}
