import { existsSync, readFileSync, statSync } from "node:fs";
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { database } from "@/db/client";
import { fromJsonRow } from "@/db/rows";
import { jobs, runLogs, runs, runSteps } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { revealSecretValue } from "@/lib/secrets/service";
import { stepSources } from "@/lib/workflows/graph";
import { ConditionError, evaluateCondition } from "@/lib/workflows/when";
import type { Step, StepOutput } from "@/lib/workflows/model";
import { runHttpStep } from "./http-step";
import { claim, type Job } from "./queue";
import { LogWriter, type PendingChunk } from "./log-writer";
import { levelPlan, readsOutputsOf } from "./plan";
import { runProcess, type ProcessResult } from "./process";
import { durationMs, retryDelay, type FailureKind } from "./retry";
import { exitVariables } from "./exit-handler";
import { createStepDir, hostPath, limitArgs, parseCpu, parseMemory, removeStepDir, sandboxed, sandboxMode, SandboxUnavailable, type StepDir } from "./sandbox";
import { takeWarmSandbox } from "./warm-sandboxes";
import { submitChildRun } from "./submit";
import { carryOn, endsAlone, expandMap, createLevel, finishesAlone, finishStep, scheduleRetry, stepDefinition, terminalSteps, type Ctx, type Outcome, type RunRow, type StepRow, type Tx } from "./transitions";
import { asText, graphInputValues, isSecretRef, renderText, resolveSource, typedInput, typedOutput, ValueError, type Scope } from "./values";

/** How a worker runs one step job: everything but the claiming and the transaction boundaries. */
export type StepRuntime = {
  worker: string;
  loadSpec: Ctx["loadSpec"];
  /** runs `work` in a transaction (or `alone`: as one statement) with a fresh context, then starts what it claimed */
  transact: (work: (ctx: Ctx) => Promise<void>, alone?: boolean) => Promise<void>;
  signal: AbortSignal;
  /** called when log chunks were written (live views) */
  onLog?: () => void;
};

/** A step's row and its run's, as the worker that runs it has them. */
export type Loaded = { run: RunRow; row: StepRow };

async function load(stepId: number): Promise<Loaded | undefined> {
  const db = await database();
  const [found] = await db.select({ row: runSteps, run: runs }).from(runSteps).innerJoin(runs, eq(runs.id, runSteps.runId)).where(eq(runSteps.id, stepId));
  return found;
}

/**
 * Claims jobs for this worker (`claim`), and in the same statement marks the steps of the claimed
 * step jobs running, with their rows, by step id. A step whose row already says running (the
 * worker that had it stopped, or this worker when its lease lapsed) or whose run no longer runs is
 * left out: its job goes the long way, where the retry policy or the run's end decides.
 */
export async function claimAndStart(worker: string, limit: number): Promise<{ jobs: Job[]; started: Map<number, Loaded> }> {
  const { jobs, then } = await claim<{ step: Record<string, unknown>; run: Record<string, unknown> }[] | null>(worker, limit, {
    ctes: sql`started as (
      update run_steps s set state = 'running', attempt = s.attempt + 1, started_at = coalesce(s.started_at, clock_timestamp()), attempt_started_at = clock_timestamp()
      from runs r
      where s.id in (select (payload->>'stepId')::bigint from claimed where kind = 'step') and r.id = s.run_id and r.state = 'running' and s.state in ('queued', 'pending')
      returning to_json(s) as step, to_json(r) as run)`,
    result: sql`(select json_agg(json_build_object('step', step, 'run', run)) from started)`,
  });
  const started = new Map(
    (then ?? []).map(({ step, run }) => {
      const row = fromJsonRow(runSteps, step);
      return [row.id, { row, run: fromJsonRow(runs, run) }] as const;
    }),
  );
  return { jobs, started };
}

/** The group instance whose graph holds a row (a mapped step's items belong to the level of the mapped step). */
async function levelOwner(tx: Pick<Tx, "select">, row: StepRow): Promise<StepRow | null> {
  let parentId = row.parentId;
  while (parentId !== null) {
    const [parent] = await tx.select().from(runSteps).where(eq(runSteps.id, parentId));
    if (!parent) return null;
    if (parent.kind === "group" && !(parent.mapIndex === null && row.mapIndex !== null && parent.key === row.key.replace(/\[\d+\]$/, ""))) return parent;
    parentId = parent.parentId;
  }
  return null;
}

/** What the step's values and templates can read: its level's inputs, its upstream outputs, its item. */
async function scopeOf(tx: Pick<Tx, "select">, run: RunRow, row: StepRow, graphUpstream: string[], retries: number, inputsOfRun: Record<string, unknown>): Promise<Scope> {
  const owner = await levelOwner(tx, row);
  const inputs = owner ? (owner.inputs ?? {}) : inputsOfRun;
  const outputs = new Map<string, Record<string, unknown>>();
  if (graphUpstream.length > 0) {
    const rows = await tx
      .select({ name: runSteps.name, outputs: runSteps.outputs })
      .from(runSteps)
      .where(and(eq(runSteps.runId, run.id), owner ? eq(runSteps.parentId, owner.id) : isNull(runSteps.parentId), inArray(runSteps.name, graphUpstream), isNull(runSteps.mapIndex)));
    for (const r of rows) if (r.outputs) outputs.set(r.name, r.outputs);
  }
  return {
    inputs,
    outputs,
    item: row.mapIndex !== null ? { value: row.item } : undefined,
    retries,
    workflow: {
      name: run.workflowName,
      uid: run.id,
      creationTimestamp: run.createdAt.toISOString(),
      scheduledTime: run.trigger === "schedule" ? run.createdAt.toISOString() : "",
      status: "Running",
      ...(await exitVariables(tx, run, row)),
    },
  };
}

/** The step's input ports, typed; secret ports stay references. */
function resolvePorts(step: Step, scope: Scope): Record<string, unknown> {
  const ports: Record<string, unknown> = {};
  for (const port of step.inputs) {
    if (!port.value) continue;
    ports[port.name] = typedInput(resolveSource(port.value, scope), port.type, port.name);
  }
  return ports;
}

/** Secret values this step may see, by name: those its ports, env, headers and level inputs reference. */
/**
 * The secret values a step may see, by name: those its ports and its level's inputs reference, and
 * the secrets its env vars and headers name. Each read is audited against the run.
 */
async function secretsFor(run: RunRow, step: Step, scope: Scope): Promise<Map<string, string>> {
  const names = new Set<string>();
  for (const value of [...Object.values(scope.ports ?? {}), ...Object.values(scope.inputs)]) if (isSecretRef(value)) names.add(value.$secret);
  for (const site of stepSources(step)) if (site.source.from === "secret") names.add(site.source.name);
  const secrets = new Map<string, string>();
  for (const name of names) secrets.set(name, await revealSecretValue(run.workspaceId, name, { runId: run.id }));
  return secrets;
}

const envName = (name: string) => name.toUpperCase().replace(/[^A-Z0-9_]/g, "_");

type Attempt = { outcome: Outcome; failure?: FailureKind; logs: PendingChunk[] };

/** Runs one attempt of a container, script or http step. */
async function runAttempt(rt: StepRuntime, run: RunRow, row: StepRow, step: Step, scope: Scope): Promise<Attempt> {
  const ports = scope.ports ?? {};
  const env: Record<string, string> = {};
  const envSources = step.kind === "container" ? step.container.env : step.kind === "script" ? step.script.env : [];
  try {
    // before env vars and headers are resolved: their templates may name secret inputs
    scope.secrets = await secretsFor(run, step, scope);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const message = `A secret of this step is not available: ${error.message}`;
    return { outcome: { state: "failed", error: message }, failure: "error", logs: [{ stream: "system", text: `${message}\n` }] };
  }
  const rawEnv = Object.fromEntries(envSources.map((e) => [e.name, resolveSource(e.value, scope, true)]));
  const headers = step.kind === "http" ? step.http.headers.map((h) => [h.name, resolveSource(h.value, scope, true)] as const) : [];
  const reveal = (value: unknown) => (isSecretRef(value) ? scope.secrets!.get(value.$secret)! : asText(value));
  for (const [name, value] of Object.entries(ports)) env[`INPUT_${envName(name)}`] = reveal(value);
  for (const [name, value] of Object.entries(rawEnv)) env[name] = reveal(value);
  const log = new LogWriter(run.id, row.id, row.attempt, scope.secrets.values(), rt.onLog);
  const mask = (value: unknown): unknown => (typeof value === "string" ? log.mask(value) : value === null || typeof value !== "object" ? value : JSON.parse(log.mask(JSON.stringify(value))));
  const timeoutMs = durationMs(step.timeout);
  try {
    if (step.kind === "http") {
      const result = await runHttpStep(step, scope, headers.map(([name, value]) => [name, reveal(value)]), log, timeoutMs, rt.signal);
      const outputs = result.ok ? (mask(result.outputs) as Record<string, unknown>) : null;
      const outcome: Outcome = result.cancelled
        ? { state: "cancelled", error: "Cancelled." }
        : result.timedOut
          ? { state: "timed_out", error: `Timed out after ${step.timeout}.` }
          : result.ok
            ? { state: "succeeded", outputs, exitCode: result.status }
            : { state: "failed", exitCode: result.status ?? null, error: result.error ?? null };
      return { outcome, failure: result.timedOut || result.status === undefined ? "error" : "failure", logs: await log.drain() };
    }
    return await runCommand(step, scope, env, { runId: run.id, stepId: row.id, attempt: row.attempt, sandboxKey: sandboxKey(run) }, log, timeoutMs, rt.signal, async (result, dir): Promise<Attempt> => {
      const logs = await log.drain();
      if (result.cancelled) return { outcome: { state: "cancelled", error: "Cancelled." }, logs };
      if (result.timedOut) return { outcome: { state: "timed_out", exitCode: result.exitCode, error: `Timed out after ${step.timeout}.` }, failure: "error", logs };
      if (result.spawnError) return { outcome: { state: "failed", error: `Could not start the process: ${result.spawnError}` }, failure: "error", logs };
      if (result.exitCode !== 0) {
        const why = result.exitCode === null ? `killed by ${result.signal}` : `exited with code ${result.exitCode}`;
        return { outcome: { state: "failed", exitCode: result.exitCode, error: `The process ${why}.` }, failure: "failure", logs };
      }
      const outputs = mask(readOutputs(step.outputs, dir, log.stdout, result)) as Record<string, unknown>;
      return { outcome: { state: "succeeded", outputs, exitCode: 0 }, logs };
    });
  } catch (error) {
    if (error instanceof ValueError || error instanceof SandboxUnavailable) {
      log.system(error.message);
      return { outcome: { state: "failed", error: error.message }, failure: "error", logs: await log.drain() };
    }
    throw error;
  }
}

const INTERPRETERS = { shell: ["sh", "-s"], python: ["python3", "-"], node: ["node", "-"] } as const;

/** Images name `python` where this host may only have `python3` (Debian without python-is-python3). */
function hostCommand(argv: string[], log: LogWriter): string[] {
  if (argv[0] !== "python" || existsSync("/usr/bin/python") || existsSync("/usr/local/bin/python")) return argv;
  log.system("This host has no `python`: running `python3` instead.");
  return ["python3", ...argv.slice(1)];
}

/**
 * Runs a container or script step's process in a sandbox of its own (a warm one when one fits),
 * then `use`s its result while its directory is there to read outputs from.
 */
async function runCommand<T>(
  step: Step,
  scope: Scope,
  env: Record<string, string>,
  attempt: { runId: string; stepId: number; attempt: number; sandboxKey: string },
  log: LogWriter,
  timeoutMs: number | undefined,
  signal: AbortSignal,
  use: (result: ProcessResult, dir: StepDir) => Promise<T>,
): Promise<T> {
  const mode = sandboxMode();
  const fileOutputs = step.outputs.flatMap((o) => (o.source.from === "file" ? [renderText(o.source.path, scope)] : []));
  const outputPaths = fileOutputs.filter((p) => p.startsWith("/"));
  let argv: string[];
  let stdin: string | undefined;
  if (step.kind === "container") {
    argv = hostCommand([...step.container.command, ...step.container.args].map((text) => renderText(text, scope)), log);
    log.system(`No container runtime is configured: running the command on this host${mode === "bwrap" ? " in a bubblewrap sandbox" : ""} (image ${step.container.image || "none"} is not used).`);
    if (argv.length === 0) throw new ValueError(`Step "${step.name}" has no command: without a container runtime, the image's own entrypoint cannot run.`);
  } else if (step.kind === "script") {
    // the source goes to the interpreter's standard input: no file for the sandbox to share
    argv = [...INTERPRETERS[step.script.language]];
    stdin = renderText(step.script.source, scope);
    log.system(`Running the ${step.script.language} script on this host${mode === "bwrap" ? " in a bubblewrap sandbox" : ""} (image ${step.script.image || "none"} is not used).`);
  } else {
    throw new Error(`${step.kind} steps do not run a command`);
  }
  const resources = step.kind === "container" ? step.container.resources : step.kind === "script" ? step.script.resources : undefined;
  const cores = parseCpu(resources?.cpu);
  const limited = [...limitArgs({ memoryBytes: parseMemory(resources?.memory), cpuSeconds: cores && timeoutMs ? Math.ceil((cores * timeoutMs) / 1000) : undefined }), ...argv];
  const warm = mode === "bwrap" ? takeWarmSandbox({ argv: limited, env, outputPaths, stdin, key: attempt.sandboxKey }) : undefined;
  const dir = warm?.dir ?? createStepDir(attempt.runId, attempt.stepId, attempt.attempt);
  try {
    const command = warm?.command ?? sandboxed(limited, env, dir, outputPaths, stdin);
    return await use(await runProcess(command, log, timeoutMs, signal), dir);
  } finally {
    if (warm) warm.release();
    else removeStepDir(dir);
  }
}

/** Steps share warm sandboxes only within one workspace and one starter (see warm-sandboxes.ts). */
const sandboxKey = (run: RunRow) => `${run.workspaceId}/${run.startedByKind}/${run.startedById}`;

const MAX_OUTPUT_BYTES = 1024 * 1024;

function readOutputs(declared: StepOutput[], dir: StepDir, stdout: string, result: ProcessResult): Record<string, unknown> {
  const outputs: Record<string, unknown> = {};
  for (const output of declared) {
    let text: string;
    switch (output.source.from) {
      case "stdout":
        text = stdout.replace(/\n$/, "");
        break;
      case "status":
        outputs[output.name] = output.type === "string" ? String(result.exitCode) : result.exitCode;
        continue;
      case "file": {
        const file = hostPath(dir, output.source.path);
        let size: number;
        try {
          size = statSync(file).size;
        } catch {
          throw new ValueError(`Output "${output.name}": the step did not write ${output.source.path}.`);
        }
        if (size > MAX_OUTPUT_BYTES) throw new ValueError(`Output "${output.name}": ${output.source.path} is larger than 1 MiB.`);
        text = readFileSync(file, "utf8").replace(/\n$/, "");
        break;
      }
      default:
        continue;
    }
    outputs[output.name] = typedOutput(text, output);
  }
  return outputs;
}

/** Writes the logs left at the end of an attempt inside the completion transaction. */
async function writeLogs(tx: Tx, run: RunRow, row: StepRow, logs: PendingChunk[]) {
  if (logs.length > 0) await tx.insert(runLogs).values(logs.map((c) => ({ runId: run.id, stepId: row.id, attempt: row.attempt, stream: c.stream, text: c.text })));
}

/** A line in a step's log, outside an attempt (skips, map expansion, sub-runs). */
async function note(tx: Tx, run: RunRow, row: StepRow, text: string) {
  await tx.insert(runLogs).values({ runId: run.id, stepId: row.id, attempt: row.attempt || null, stream: "system", text: `${text}\n` });
}

/**
 * Runs a `step` job. `claimed`: this worker marked it running (in the transaction that made it
 * ready, or as it claimed its job) and has its rows; otherwise it loads them, and a row that says
 * running means the worker that had it stopped: that attempt is lost, and the retry policy decides.
 */
export async function executeStepJob(rt: StepRuntime, jobId: number, stepId: number, claimed?: Loaded): Promise<void> {
  const preStarted = claimed !== undefined;
  const loaded = claimed ?? (await load(stepId));
  if (!loaded) {
    await rt.transact(async (ctx) => void (await ctx.tx.delete(jobs).where(eq(jobs.id, jobId))));
    return;
  }
  let { row } = loaded;
  const { run } = loaded;
  const spec = await rt.loadSpec(run);
  const { graph, step } = stepDefinition(spec, row);

  if (terminalSteps.includes(row.state)) {
    // its end was recorded, but its worker stopped before it carried it on
    await rt.transact((ctx) => carryOn(ctx, run, row, jobId));
    return;
  }
  if (run.state !== "running") {
    await rt.transact((ctx) => finishStep(ctx, run, row, { state: "cancelled", error: "The run ended before this step ran." }, jobId));
    return;
  }
  if (!preStarted && row.state === "running") {
    const lost: Outcome = { state: "failed", error: "The worker running this attempt stopped; its lease ran out." };
    const delay = row.attempt > 0 ? retryDelay(step, row.attempt, "error", row.startedAt ?? new Date()) : undefined;
    if (delay !== undefined) {
      await rt.transact((ctx) => scheduleRetry(ctx, run, row, lost, delay, jobId));
      return;
    }
    if (row.attempt > 0 && (step.kind === "container" || step.kind === "script" || step.kind === "http")) {
      await rt.transact((ctx) => finishStep(ctx, run, row, lost, jobId));
      return;
    }
  }
  const isMapParent = row.mapIndex === null && step.map !== undefined;
  const db = await database();
  const inputsOfRun = graphInputValues(spec.inputs, run.inputs);
  const reads = readsOutputsOf(step).filter((name) => levelPlan(graph).steps.has(name));
  const attemptNumber = preStarted ? row.attempt : row.attempt + 1;
  const scope = await scopeOf(db, run, row, reads, Math.max(0, attemptNumber - 1), inputsOfRun);

  try {
    if (isMapParent) {
      const items = resolveSource(step.map!.over, scope);
      const list = typeof items === "string" ? JSON.parse(items) : items;
      if (!Array.isArray(list)) throw new ValueError(`map.over is not a list: ${asText(items).slice(0, 200)}`);
      if (list.length > 10_000) throw new ValueError(`map.over has ${list.length} items; at most 10,000 are run.`);
      await rt.transact(async (ctx) => {
        await note(ctx.tx, run, row, `Mapping over ${list.length} item${list.length === 1 ? "" : "s"}${step.map!.parallelism ? `, ${step.map!.parallelism} at a time` : ""}.`);
        await ctx.tx.delete(jobs).where(eq(jobs.id, jobId));
        await expandMap(ctx, run, row, step, list);
      });
      return;
    }
    if (step.when) {
      const condition = renderText(step.when, scope);
      if (!evaluateCondition(condition)) {
        await rt.transact(async (ctx) => {
          await note(ctx.tx, run, row, `Skipped: when "${step.when}" is false ("${condition}").`);
          await finishStep(ctx, run, row, { state: "skipped" }, jobId);
        });
        return;
      }
    }
    scope.ports = resolvePorts(step, scope);
    if (step.kind === "group") {
      await rt.transact(async (ctx) => {
        const [updated] = await ctx.tx.update(runSteps).set({ state: "running", startedAt: row.startedAt ?? new Date(), inputs: { ...scope.ports } }).where(eq(runSteps.id, row.id)).returning();
        await ctx.tx.delete(jobs).where(eq(jobs.id, jobId));
        await createLevel(ctx, run, updated, step.group);
      });
      return;
    }
    if (step.kind === "workflow") {
      await rt.transact(async (ctx) => {
        await ctx.tx.update(runSteps).set({ state: "running", startedAt: row.startedAt ?? new Date(), inputs: { ...scope.ports } }).where(eq(runSteps.id, row.id));
        await ctx.tx.delete(jobs).where(eq(jobs.id, jobId));
        const child = await submitChildRun(ctx, run, row, step.call, scope.ports!);
        await note(ctx.tx, run, row, `Started sub-workflow run ${child} (${step.call.workflow} v${step.call.version}).`);
      });
      return;
    }
  } catch (error) {
    if (!(error instanceof ValueError || error instanceof ConditionError || error instanceof SyntaxError)) throw error;
    const message = error instanceof ConditionError ? `The when condition cannot be evaluated: ${error.message}` : error.message;
    await rt.transact(async (ctx) => {
      await note(ctx.tx, run, row, message);
      await finishStep(ctx, run, row, { state: "failed", error: message }, jobId);
    });
    return;
  }

  // The attempt starts (a step from the queue), and its ports are shown as they are resolved —
  // secret ports as their reference, never the value. A step this worker claimed when it became
  // ready already says running: without ports, that costs no write at all.
  const hasPorts = Object.keys(scope.ports ?? {}).length > 0;
  if (!preStarted || hasPorts) {
    const [started] = await db
      .update(runSteps)
      .set(preStarted ? { inputs: scope.ports } : { state: "running", attempt: attemptNumber, startedAt: row.startedAt ?? new Date(), attemptStartedAt: new Date(), inputs: scope.ports })
      .where(eq(runSteps.id, row.id))
      .returning();
    row = started;
  }
  const attempt = await runAttempt(rt, run, row, step, scope);
  const delay = attempt.failure && attempt.outcome.state !== "cancelled" ? retryDelay(step, row.attempt, attempt.failure, row.startedAt ?? new Date()) : undefined;
  if (delay === undefined) {
    // the last step of a run whose end sets more off ends it in the same transaction (alone, that would take one more)
    const last = row.parentId === null && run.remaining <= 1 && !endsAlone(spec, run, null);
    await rt.transact((ctx) => finishStep(ctx, run, row, attempt.outcome, jobId, attempt.logs), !last && finishesAlone(spec, row, attempt.outcome));
    return;
  }
  await rt.transact(async (ctx) => {
    await writeLogs(ctx.tx, run, row, attempt.logs);
    await scheduleRetry(ctx, run, row, attempt.outcome, delay, jobId);
  });
}

