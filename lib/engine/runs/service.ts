import { and, eq, ilike, inArray, isNull, notInArray, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { Batcher } from "@/db/batcher";
import { database, type Database } from "@/db/client";
import { preparedQueries } from "@/db/prepared";
import { auditEvents, jobs, runs, runSteps, workflows, workflowVersions, workspaceMembers, workspaces } from "@/db/schema";
import { authorize, workspaceAccess } from "@/lib/access/policy";
import { auditRow, recordAudit } from "@/lib/audit/service";
import { describePrincipal, type Principal } from "@/lib/auth/principal";
import { AppError, conflict, notFound } from "@/lib/errors";
import { encodeCursor, newestFirst } from "@/lib/http/cursor";
import { parseInput } from "@/lib/validation";
import { validationContext } from "@/lib/workflows/service";
import { validateWorkflow } from "@/lib/workflows/validate";
import { assertActive, assertWorkspaceId, enterWorkspace, guarded, workspaceParams, workspacesWhere, type GuardedWorkspace } from "@/lib/workspaces/guard";
import { oneWorkspace, withMembership } from "@/lib/workspaces/queries";
import type { ExecutionProvider } from "../provider";
import { workspaceEngine } from "../argo/config";
import { argoProvider } from "../argo/provider";
import { localProvider } from "../local/provider";
import type { Tx } from "../local/transitions";
import { parseRunInputs } from "./inputs";
import { presentRun, presentStep } from "./presentation";
import { getRunQuery, listRunsQuery, retryRunBody, runTrigger, startRunBody, TERMINAL_RUN_STATES, type RunDetail } from "./schema";

type RunRow = typeof runs.$inferSelect;

/**
 * The engine of a run: the one recorded on it. A new run takes its workspace's (`workspaceEngine`:
 * the workspace's own choice, else the installation's SLUICE_ENGINE); the provider records it.
 */
export function providerFor(run: Pick<RunRow, "engine">): ExecutionProvider {
  return run.engine === "argo" ? argoProvider : localProvider;
}

/** Frinx's rule as a workspace setting: with `own`, viewers see only the runs they started. */
function onlyOwnRuns(p: Principal, ws: GuardedWorkspace) {
  return ws.runVisibility === "own" && workspaceAccess(p, ws) === "viewer";
}

export async function findVisibleRun(p: Principal, ws: GuardedWorkspace, runId: string): Promise<RunRow> {
  if (!z.uuid().safeParse(runId).success) throw notFound("run");
  const db = await database();
  const [run] = await db.select().from(runs).where(and(eq(runs.id, runId), eq(runs.workspaceId, ws.id)));
  if (!run || (onlyOwnRuns(p, ws) && run.startedById !== p.id)) throw notFound("run");
  return run;
}

type WorkflowToRunParams = ReturnType<typeof workspaceParams> & { name: string; version: number | null };

/**
 * Starting a run reads its workspace with the caller's membership, its workflow and the version
 * in one prepared query: it is the hottest read of the API. Starts of one workflow by one caller
 * that arrive while such a read is in flight (a client's burst of runs) wait for it, then share the
 * next read: each is authorized on a read sent after it arrived.
 */
const runQueries = preparedQueries((db: Database) => {
  const workflowToRun = db
    .select({ ws: workspaces, memberRole: workspaceMembers.role, workflow: workflows, version: workflowVersions })
    .from(workspaces)
    .leftJoin(workspaceMembers, withMembership)
    .leftJoin(workflows, and(eq(workflows.workspaceId, workspaces.id), eq(workflows.name, sql.placeholder("name")), isNull(workflows.deletedAt)))
    .leftJoin(workflowVersions, and(eq(workflowVersions.workflowId, workflows.id), eq(workflowVersions.version, sql`coalesce(${sql.placeholder("version")}::int, ${workflows.latestVersion})`)))
    .where(oneWorkspace)
    .prepare("workflow_to_run");
  const readOnce = async (same: WorkflowToRunParams[]) => {
    const [row] = await workflowToRun.execute(same[0]);
    return same.map(() => row);
  };
  return { workflowToRun: new Batcher(readOnce, (read: WorkflowToRunParams) => JSON.stringify(read)) };
});

const startInput = startRunBody.extend({
  workspaceId: z.string(),
  workflow: z.string().max(63),
  trigger: runTrigger,
  /** the schedule, webhook or event delivery that started it */
  triggerRef: z.string().max(100).optional(),
});

/**
 * Work of a trigger in the run's own transaction (claiming a schedule's slot, recording a webhook's
 * receipt): the run exists exactly when that work commits, and throwing from it starts nothing.
 */
export type WithinStart = (tx: Tx, run: RunRow) => Promise<void>;

/** Starts a run of a workflow version (default the latest) with typed inputs. */
export async function startRun(p: Principal, input: z.input<typeof startInput>, within?: WithinStart): Promise<RunDetail> {
  const data = parseInput(startInput, input);
  assertWorkspaceId(data.workspaceId);
  const { workflowToRun } = await runQueries();
  const found = await workflowToRun.add({ ...workspaceParams(p, data.workspaceId), name: data.workflow, version: data.version ?? null });
  const ws = guarded(found);
  authorize(p, "run.start", ws);
  assertActive(ws);
  const db = await database();
  const { workflow, version } = found;
  if (!workflow) throw notFound("workflow");
  if (!version) throw notFound("workflow version");
  const versionNumber = version.version;
  const context = await validationContext(ws, workflow.name, version.spec);
  const problems = validateWorkflow(version.spec, context);
  if (problems.length > 0) {
    throw new AppError(400, "invalid_workflow", `Version ${versionNumber} cannot run: it has ${problems.length} problem${problems.length === 1 ? "" : "s"}.`, { problems });
  }
  const inputs = parseRunInputs(version.spec.inputs, data.inputs, new Set(context.secretNames));
  const provider = providerFor({ engine: workspaceEngine(ws) });
  const id = crypto.randomUUID();
  const request = {
    run: {
      id,
      tenantId: p.tenantId,
      workspaceId: ws.id,
      workflowId: workflow.id,
      workflowName: workflow.name,
      workflowVersion: versionNumber,
      inputs,
      trigger: data.trigger,
      triggerRef: data.triggerRef ?? null,
      startedByKind: p.kind,
      startedById: p.id,
      startedByName: describePrincipal(p),
    },
    spec: version.spec,
    workspaceLimit: ws.maxConcurrentRuns,
    alongside: [{ table: auditEvents, rows: [auditRow(p, { action: "run.start", targetType: "run", targetId: id, workspaceId: ws.id, after: { workflow: workflow.name, version: versionNumber, trigger: data.trigger } })] }],
  };
  const { run, steps } = within
    ? await db.transaction(async (tx) => {
        const started = await provider.start(tx, request);
        await within(tx, started.run);
        return started;
      })
    : await provider.start(db, request);
  provider.submitted();
  return detail(run, version.spec, [], steps.map((step) => presentStep(step, [])));
}

async function detail(run: RunRow, spec: RunDetail["spec"], children: RunRow[], steps?: RunDetail["steps"]): Promise<RunDetail> {
  return { ...presentRun(run), inputs: run.inputs, outputs: run.outputs, spec, steps: steps ?? (await providerFor(run).stages(run.id)), children: children.map(presentRun) };
}

const getInput = getRunQuery.extend({ workspaceId: z.string(), runId: z.string() });

/** A run with its steps (stages), attempts and outputs; with `include: descendants`, every sub-run below it. */
export async function getRun(p: Principal, input: z.input<typeof getInput>): Promise<RunDetail> {
  const data = parseInput(getInput, input);
  const ws = await enterWorkspace(p, data.workspaceId, "run.read");
  const run = await findVisibleRun(p, ws, data.runId);
  const db = await database();
  const [version] = await db.select({ spec: workflowVersions.spec }).from(workflowVersions).where(and(eq(workflowVersions.workflowId, run.workflowId), eq(workflowVersions.version, run.workflowVersion)));
  const children =
    data.include === "descendants"
      ? ((
          await db.execute<{ id: string }>(sql`
            with recursive tree as (select id from runs where parent_run_id = ${run.id} union all select r.id from runs r join tree t on r.parent_run_id = t.id)
            select id from tree`)
        ).rows.map((r) => r.id) as string[])
      : undefined;
  const childRows = children
    ? children.length > 0
      ? await db.select().from(runs).where(inArray(runs.id, children)).orderBy(runs.createdAt)
      : []
    : await db.select().from(runs).where(eq(runs.parentRunId, run.id)).orderBy(runs.createdAt);
  return detail(run, version.spec, childRows);
}

type ListInput = z.input<typeof listRunsQuery> & { workspaceId?: string };

/**
 * Runs, newest first: of one workspace, or of every workspace the caller may enter. Sub-workflow
 * runs appear under their parent run, not in the list.
 */
const runPages = newestFirst(runs.createdAt, runs.id);

export async function listRuns(p: Principal, input: ListInput) {
  const { workspaceId, ...rest } = input;
  const query = parseInput(listRunsQuery, rest);
  const spaces: GuardedWorkspace[] = workspaceId
    ? [await enterWorkspace(p, workspaceId, "run.read")]
    : await workspacesWhere(p, "run.read");
  if (spaces.length === 0) return { items: [], nextCursor: null };
  const visible = or(...spaces.map((ws) => (onlyOwnRuns(p, ws) ? and(eq(runs.workspaceId, ws.id), eq(runs.startedById, p.id)) : eq(runs.workspaceId, ws.id))));
  const filters: (SQL | undefined)[] = [visible, isNull(runs.parentRunId)];
  if (query.workflow) filters.push(eq(runs.workflowName, query.workflow));
  if (query.state) filters.push(eq(runs.state, query.state));
  if (query.trigger) filters.push(eq(runs.trigger, query.trigger));
  if (query.startedBy) filters.push(or(eq(runs.startedById, query.startedBy), ilike(runs.startedByName, `%${query.startedBy.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)));
  if (query.since) filters.push(sql`${runs.createdAt} >= ${new Date(query.since).toISOString()}::timestamptz`);
  if (query.until) filters.push(sql`${runs.createdAt} <= ${new Date(query.until).toISOString()}::timestamptz`);
  if (query.cursor) filters.push(runPages.after(query.cursor));
  const db = await database();
  const rows = await db
    .select({ run: runs, key: runPages.key })
    .from(runs)
    .where(and(...filters))
    .orderBy(...runPages.orderBy)
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  return { items: page.map(({ run }) => presentRun(run)), nextCursor: rows.length > query.limit ? encodeCursor(page[page.length - 1].key) : null };
}

const terminal = TERMINAL_RUN_STATES as RunRow["state"][];
const runInput = z.object({ workspaceId: z.string(), runId: z.string() });

/** Cancels a run and every sub-run below it: recorded at once, and their processes (or pods) stopped. */
export async function cancelRun(p: Principal, input: z.input<typeof runInput>) {
  const data = parseInput(runInput, input);
  const ws = await enterWorkspace(p, data.workspaceId, "run.start");
  const run = await findVisibleRun(p, ws, data.runId);
  if (terminal.includes(run.state)) throw conflict("run_ended", `The run already ended (${run.state.replace("_", " ")}).`);
  const db = await database();
  const cancelled = await db.transaction(async (tx) => {
    const { rows } = await tx.execute<{ id: string }>(sql`
      with recursive tree as (select id from runs where id = ${run.id} union all select r.id from runs r join tree t on r.parent_run_id = t.id)
      select id from tree`);
    const ids = rows.map((r) => r.id as string);
    const ended = await tx
      .update(runs)
      .set({ state: "cancelled", cancelRequestedAt: sql`now()`, finishedAt: sql`now()`, error: `Cancelled by ${describePrincipal(p)}.` })
      .where(and(inArray(runs.id, ids), notInArray(runs.state, terminal)))
      .returning({ id: runs.id });
    const endedIds = ended.map((r) => r.id);
    if (endedIds.length > 0) {
      // Steps that were not running are cancelled here; running ones when their process stops.
      await tx
        .update(runSteps)
        .set({ state: "cancelled", finishedAt: sql`now()`, error: "Cancelled." })
        .where(and(inArray(runSteps.runId, endedIds), inArray(runSteps.state, ["pending", "queued"])));
      await tx.delete(jobs).where(and(inArray(sql`${jobs.payload}->>'runId'`, endedIds), isNull(jobs.lockedBy)));
    }
    await recordAudit(tx, p, { action: "run.cancel", targetType: "run", targetId: run.id, workspaceId: ws.id, before: { state: run.state }, after: { state: "cancelled", subRuns: endedIds.length - 1 } });
    return endedIds;
  });
  await providerFor(run).cancel(cancelled);
  return presentRun({ ...run, state: "cancelled" });
}

const retryInput = retryRunBody.extend({ workspaceId: z.string(), runId: z.string() });

/**
 * Retries a run as a new run linked to it: from its failed steps (the steps that succeeded keep their
 * outputs and do not run again) or from the start, on the same version or the latest.
 */
export async function retryRun(p: Principal, input: z.input<typeof retryInput>) {
  const data = parseInput(retryInput, input);
  const ws = await enterWorkspace(p, data.workspaceId, "run.start");
  assertActive(ws);
  const old = await findVisibleRun(p, ws, data.runId);
  if (old.parentRunId) throw conflict("sub_run", "Retry the run that started this sub-workflow run.");
  if (!terminal.includes(old.state)) throw conflict("run_not_ended", "Only a run that ended can be retried.");
  if (data.from === "failed" && old.state === "succeeded") throw conflict("nothing_failed", "Nothing failed in this run: retry it from the start.");
  const db = await database();
  const [workflow] = await db.select().from(workflows).where(and(eq(workflows.id, old.workflowId), isNull(workflows.deletedAt)));
  if (!workflow) throw notFound("workflow");
  const version = data.version === "latest" ? workflow.latestVersion : old.workflowVersion;
  const [versionRow] = await db.select({ spec: workflowVersions.spec }).from(workflowVersions).where(and(eq(workflowVersions.workflowId, workflow.id), eq(workflowVersions.version, version)));
  if (!versionRow) throw notFound("workflow version");
  const provider = providerFor({ engine: workspaceEngine(ws) });
  const id = crypto.randomUUID();
  const { run } = await provider.start(db, {
    run: {
      id,
      tenantId: old.tenantId,
      workspaceId: old.workspaceId,
      workflowId: old.workflowId,
      workflowName: old.workflowName,
      workflowVersion: version,
      inputs: old.inputs,
      trigger: old.trigger,
      triggerRef: old.triggerRef,
      startedByKind: p.kind,
      startedById: p.id,
      startedByName: describePrincipal(p),
      retryOf: old.id,
      reuseRunId: data.from === "failed" ? old.id : null,
    },
    spec: versionRow.spec,
    workspaceLimit: ws.maxConcurrentRuns,
    alongside: [{ table: auditEvents, rows: [auditRow(p, { action: "run.retry", targetType: "run", targetId: id, workspaceId: ws.id, after: { retryOf: old.id, from: data.from, version } })] }],
  });
  provider.submitted();
  return presentRun(run);
}

/** The same operation on many runs, each answered on its own (the bulk actions of the runs list). */
export async function forEachRun<T>(runIds: string[], operation: (runId: string) => Promise<T>) {
  const results: { runId: string; ok: boolean; error?: string; newRunId?: string }[] = [];
  for (const runId of runIds) {
    try {
      const result = (await operation(runId)) as { id?: string };
      results.push({ runId, ok: true, ...(result?.id && result.id !== runId ? { newRunId: result.id } : {}) });
    } catch (error) {
      results.push({ runId, ok: false, error: error instanceof AppError ? error.message : "failed" });
    }
  }
  return { results };
}
