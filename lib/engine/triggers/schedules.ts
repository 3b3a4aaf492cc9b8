import { and, asc, eq, isNull, notInArray } from "drizzle-orm";
import { z } from "zod";
import { database } from "@/db/client";
import { jobs, runs, schedules, tenants, workflows, workspaces } from "@/db/schema";
import { recordAudit } from "@/lib/audit/service";
import { describePrincipal, type Principal } from "@/lib/auth/principal";
import { AppError, invalid, notFound, type FieldError } from "@/lib/errors";
import { log } from "@/lib/log/logger";
import { parseInput } from "@/lib/validation";
import { workspaceEngine } from "../argo/config";
import { deleteCronWorkflow, syncCronWorkflow } from "../argo/cron";
import { enqueue, type Job } from "../local/queue";
import type { Tx } from "../local/transitions";
import { TERMINAL_RUN_STATES } from "../runs/schema";
import { cancelRun, startRun } from "../runs/service";
import { clock } from "./clock";
import { canonicalTimezone, cronProblem, nextSlots, slotAfter, slotAtOrBefore, type CronSpec } from "./cron";
import { explain } from "./explain";
import { triggerPrincipal } from "./principal";
import { createScheduleBody, NEXT_FIRE_TIMES, schedulePreviewInput, updateScheduleBody, type Schedule } from "./schema";
import { assertRoom, checkInputs, findOf, listOf, nameTaken, triggerTarget, workflowRef, type TriggerTarget, type WorkflowRef } from "./target";

/**
 * Schedules: a cron expression in a time zone fires a workflow's runs. Each schedule keeps its next
 * slot (`next_slot_at`) and one queue job for it, due at that slot. The job's handler fires the slot
 * and queues the job of the following one in the same transaction that starts the run and moves
 * `next_slot_at` on — only while `next_slot_at` is still that slot, so a slot fires exactly once
 * however many workers (or duplicate jobs) reach it.
 *
 * Missed slots (no worker ran while they passed): the first job handled afterwards fires the most
 * recent missed slot once and skips the older ones; the next slot is the first one after now.
 * Slots passed while a schedule was paused are skipped: resuming fires from the next slot on.
 *
 * On the `argo` engine a schedule is a CronWorkflow, and Argo fires it (lib/engine/argo/cron.ts): it
 * gets no slot jobs here; each change is mirrored to the cluster after it committed. A schedule whose
 * CronWorkflow the cluster does not take is not created; a change the cluster does not take answers
 * the cluster's error with the change kept in Sluice (saving it again mirrors it again).
 */
export const SCHEDULE_SLOT_JOB = "schedule.slot";

type ScheduleRow = typeof schedules.$inferSelect;
type Settings = Pick<ScheduleRow, "cron" | "timezone" | "inputs" | "version" | "overlapPolicy" | "paused" | "startAt" | "endAt">;
type Change = z.output<typeof updateScheduleBody>;

const DEFAULTS: Omit<Settings, "cron"> = { timezone: "UTC", inputs: {}, version: null, overlapPolicy: "allow", paused: false, startAt: null, endAt: null };
const TIMING = ["cron", "timezone", "startAt", "endAt", "paused"] as const;
const CHECKED = ["cron", "timezone", "startAt", "endAt", "inputs", "version"] as const;

const iso = (date: Date | null) => (date ? date.toISOString() : null);
const same = (a: unknown, b: unknown) => (a instanceof Date ? a.getTime() : a) === (b instanceof Date ? b.getTime() : b);
const cronSpec = (s: Pick<Settings, "cron" | "timezone" | "startAt" | "endAt">): CronSpec => ({ cron: s.cron, timezone: s.timezone, startAt: s.startAt, endAt: s.endAt });
const slotKey = (scheduleId: string, slot: Date) => `schedule:${scheduleId}:${slot.toISOString()}`;
const onCluster = (ws: Parameters<typeof workspaceEngine>[0]) => workspaceEngine(ws) === "argo";

function present(row: ScheduleRow, workflow: string): Schedule {
  const upcoming = row.paused || !row.nextSlotAt ? [] : [row.nextSlotAt, ...nextSlots(cronSpec(row), row.nextSlotAt, NEXT_FIRE_TIMES - 1)];
  return {
    id: row.id,
    workflow,
    name: row.name,
    cron: row.cron,
    timezone: row.timezone,
    inputs: row.inputs,
    version: row.version,
    overlapPolicy: row.overlapPolicy,
    paused: row.paused,
    startAt: iso(row.startAt),
    endAt: iso(row.endAt),
    lastSlotAt: iso(row.lastSlotAt),
    lastRunId: row.lastRunId,
    lastError: row.lastError,
    nextFireTimes: upcoming.map((slot) => slot.toISOString()),
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

const auditView = (row: ScheduleRow) => ({ name: row.name, cron: row.cron, timezone: row.timezone, version: row.version, overlapPolicy: row.overlapPolicy, paused: row.paused, startAt: iso(row.startAt), endAt: iso(row.endAt), inputs: row.inputs });

function merge(base: Settings, change: Change): Settings {
  const date = (value: string | null | undefined, fallback: Date | null) => (value === undefined ? fallback : value === null ? null : new Date(value));
  return {
    cron: change.cron?.trim() ?? base.cron,
    timezone: change.timezone ?? base.timezone,
    inputs: change.inputs ?? base.inputs,
    version: change.version === undefined ? base.version : change.version,
    overlapPolicy: change.overlapPolicy ?? base.overlapPolicy,
    paused: change.paused ?? base.paused,
    startAt: date(change.startAt, base.startAt),
    endAt: date(change.endAt, base.endAt),
  };
}

/** The cron expression, time zone and dates, checked together; the zone answered by its canonical name. */
function checkTiming(s: Pick<Settings, "cron" | "timezone" | "startAt" | "endAt">): Pick<Settings, "timezone"> {
  const errors: FieldError[] = [];
  const cronError = cronProblem(s.cron);
  if (cronError) errors.push({ path: "cron", message: cronError });
  const timezone = canonicalTimezone(s.timezone);
  if (!timezone) errors.push({ path: "timezone", message: "not an IANA time zone (e.g. Europe/Berlin, UTC)" });
  if (s.startAt && s.endAt && s.endAt <= s.startAt) errors.push({ path: "endAt", message: "must be after startAt" });
  if (errors.length === 0 && !slotAfter({ cron: s.cron, timezone: timezone!, startAt: null, endAt: null }, clock().now())) errors.push({ path: "cron", message: "matches no date" });
  if (errors.length > 0) throw invalid(errors, "The schedule is not valid.");
  return { timezone: timezone! };
}

/** Everything a schedule runs with, checked as a manual start checks it (inputs against the version it runs). */
async function checkSettings(target: TriggerTarget, s: Settings): Promise<Settings> {
  const { timezone } = checkTiming(s);
  const inputs = await checkInputs(target, s.version, s.inputs);
  return { ...s, timezone, inputs };
}

/** The next five slots of a schedule not saved yet (the form shows them as it is typed). */
export function previewSchedule(input: z.input<typeof schedulePreviewInput>) {
  const data = parseInput(schedulePreviewInput, input);
  const spec = { cron: data.cron.trim(), timezone: data.timezone ?? "UTC", startAt: data.startAt ? new Date(data.startAt) : null, endAt: data.endAt ? new Date(data.endAt) : null };
  const { timezone } = checkTiming(spec);
  return { nextFireTimes: nextSlots({ ...spec, timezone }, clock().now(), NEXT_FIRE_TIMES).map((slot) => slot.toISOString()) };
}

/** Replaces the queued job of a schedule's previous next slot with one for its next slot, if it has one. */
async function planSlot(tx: Tx, row: Pick<ScheduleRow, "id" | "tenantId" | "nextSlotAt">, previous: Date | null) {
  if (previous) await tx.delete(jobs).where(and(eq(jobs.uniqueKey, slotKey(row.id, previous)), isNull(jobs.lockedBy)));
  if (!row.nextSlotAt) return;
  await enqueue(tx, [{ kind: SCHEDULE_SLOT_JOB, tenantKey: row.tenantId, payload: { scheduleId: row.id, slot: row.nextSlotAt.toISOString() }, runAt: clock().dueAt(row.nextSlotAt), uniqueKey: slotKey(row.id, row.nextSlotAt) }]);
}

const scheduleRef = workflowRef.extend({ scheduleId: z.string() });
const findSchedule = (target: TriggerTarget, scheduleId: string) => findOf(schedules, target.workflow, scheduleId, "schedule");

export async function listSchedules(p: Principal, input: WorkflowRef) {
  const target = await triggerTarget(p, parseInput(workflowRef, input), "run.read");
  const rows = await listOf(schedules, target.workflow, asc(schedules.name));
  return { items: rows.map((row) => present(row, target.workflow.name)) };
}

export async function getSchedule(p: Principal, input: z.input<typeof scheduleRef>) {
  const { scheduleId, ...rest } = parseInput(scheduleRef, input);
  const target = await triggerTarget(p, rest, "run.read");
  return present(await findSchedule(target, scheduleId), target.workflow.name);
}

const createInput = createScheduleBody.extend(workflowRef.shape);

export async function createSchedule(p: Principal, input: z.input<typeof createInput>): Promise<Schedule> {
  const { workspaceId, workflow, name, ...change } = parseInput(createInput, input);
  const target = await triggerTarget(p, { workspaceId, workflow }, "trigger.manage");
  const settings = await checkSettings(target, merge({ ...DEFAULTS, cron: change.cron }, change));
  const db = await database();
  try {
    const row = await db.transaction(async (tx) => {
      await assertRoom(tx, schedules, target.workflow, "schedules");
      const [created] = await tx
        .insert(schedules)
        .values({
          tenantId: p.tenantId,
          workspaceId: target.ws.id,
          workflowId: target.workflow.id,
          name,
          ...settings,
          nextSlotAt: settings.paused ? null : slotAfter(cronSpec(settings), clock().now()),
          createdBy: describePrincipal(p),
        })
        .returning();
      if (!onCluster(target.ws)) await planSlot(tx, created, null);
      await recordAudit(tx, p, { action: "schedule.create", targetType: "schedule", targetId: created.id, workspaceId: target.ws.id, after: auditView(created) });
      return created;
    });
    if (onCluster(target.ws)) {
      await syncCronWorkflow(row).catch(async (error) => {
        await db.transaction(async (tx) => {
          await tx.delete(schedules).where(eq(schedules.id, row.id));
          await recordAudit(tx, p, { action: "schedule.delete", targetType: "schedule", targetId: row.id, workspaceId: target.ws.id, before: auditView(row), after: { reason: "the cluster did not take its CronWorkflow" } });
        });
        throw error;
      });
    }
    return present(row, target.workflow.name);
  } catch (error) {
    throw nameTaken(error, "schedule") ?? error;
  }
}

const updateInput = updateScheduleBody.extend(scheduleRef.shape);

/**
 * Changes a schedule. A new cron expression, time zone, start, end or a resume moves its next slot
 * to the first one after now; pausing drops it. Settings are checked again when they change.
 */
export async function updateSchedule(p: Principal, input: z.input<typeof updateInput>, action = "schedule.update"): Promise<Schedule> {
  const { workspaceId, workflow, scheduleId, ...change } = parseInput(updateInput, input);
  const target = await triggerTarget(p, { workspaceId, workflow }, "trigger.manage");
  const current = await findSchedule(target, scheduleId);
  const merged = merge(current, change);
  const settings = CHECKED.some((field) => change[field] !== undefined) ? await checkSettings(target, merged) : merged;
  const db = await database();
  try {
    const row = await db.transaction(async (tx) => {
      const [before] = await tx.select().from(schedules).where(eq(schedules.id, current.id)).for("update");
      if (!before) throw notFound("schedule");
      const retimed = TIMING.some((field) => !same(before[field], settings[field]));
      const nextSlotAt = settings.paused ? null : retimed ? slotAfter(cronSpec(settings), clock().now()) : before.nextSlotAt;
      const [updated] = await tx
        .update(schedules)
        .set({ name: change.name ?? before.name, ...settings, nextSlotAt, updatedAt: new Date() })
        .where(eq(schedules.id, before.id))
        .returning();
      if (iso(nextSlotAt) !== iso(before.nextSlotAt) && !onCluster(target.ws)) await planSlot(tx, updated, before.nextSlotAt);
      await recordAudit(tx, p, { action, targetType: "schedule", targetId: updated.id, workspaceId: target.ws.id, before: auditView(before), after: auditView(updated) });
      return updated;
    });
    if (onCluster(target.ws)) await syncCronWorkflow(row);
    return present(row, target.workflow.name);
  } catch (error) {
    throw nameTaken(error, "schedule") ?? error;
  }
}

export const pauseSchedule = (p: Principal, input: z.input<typeof scheduleRef>) => updateSchedule(p, { ...input, paused: true }, "schedule.pause");
export const resumeSchedule = (p: Principal, input: z.input<typeof scheduleRef>) => updateSchedule(p, { ...input, paused: false }, "schedule.resume");

export async function deleteSchedule(p: Principal, input: z.input<typeof scheduleRef>) {
  const { scheduleId, ...rest } = parseInput(scheduleRef, input);
  const target = await triggerTarget(p, rest, "trigger.manage");
  const current = await findSchedule(target, scheduleId);
  if (onCluster(target.ws)) await deleteCronWorkflow(current);
  const db = await database();
  await db.transaction(async (tx) => {
    const [deleted] = await tx.delete(schedules).where(eq(schedules.id, current.id)).returning();
    if (!deleted) throw notFound("schedule");
    await planSlot(tx, { ...deleted, nextSlotAt: null }, deleted.nextSlotAt);
    await recordAudit(tx, p, { action: "schedule.delete", targetType: "schedule", targetId: deleted.id, workspaceId: target.ws.id, before: auditView(deleted) });
  });
}

/** Another firing of the same slot got there first: this one starts nothing. */
class SlotTaken extends Error {}

const terminal = TERMINAL_RUN_STATES as (typeof runs.$inferSelect)["state"][];

async function stillRunning(runId: string) {
  const db = await database();
  const [run] = await db
    .select({ id: runs.id })
    .from(runs)
    .where(and(eq(runs.id, runId), notInArray(runs.state, terminal)));
  return Boolean(run);
}

/**
 * The handler of a slot job: fires the slot (or, after downtime, the most recent missed slot) once,
 * following the overlap policy, and queues the next slot. A run that cannot start (its inputs no
 * longer fit the workflow, the workspace was archived) uses up the slot and is logged; the schedule
 * goes on with the next one.
 */
export async function fireSlot(job: Pick<Job, "payload">) {
  const slot = new Date(String(job.payload.slot));
  const db = await database();
  const [found] = await db
    .select({ row: schedules, workflow: workflows.name, tenant: { id: tenants.id, slug: tenants.slug }, engine: workspaces.engine })
    .from(schedules)
    .innerJoin(workflows, and(eq(workflows.id, schedules.workflowId), isNull(workflows.deletedAt)))
    .innerJoin(tenants, eq(tenants.id, schedules.tenantId))
    .innerJoin(workspaces, eq(workspaces.id, schedules.workspaceId))
    .where(eq(schedules.id, String(job.payload.scheduleId)));
  // a slot that is no longer next was fired already, or the schedule was changed, paused or deleted;
  // on the argo engine Argo fires it
  if (!found || found.row.paused || iso(found.row.nextSlotAt) !== slot.toISOString() || onCluster({ engine: found.engine })) return;
  const { row } = found;
  const now = clock().now();
  const latest = slotAtOrBefore(cronSpec(row), now);
  const fired = latest && latest > slot ? latest : slot;
  const next = slotAfter(cronSpec(row), fired > now ? fired : now);
  const principal = triggerPrincipal(found.tenant, "schedule", row);

  const advance = async (tx: Tx, runId: string | null, error: string | null = null) => {
    const [claimed] = await tx
      .update(schedules)
      .set({ lastSlotAt: fired, nextSlotAt: next, lastError: error, ...(runId ? { lastRunId: runId } : {}) })
      .where(and(eq(schedules.id, row.id), eq(schedules.nextSlotAt, slot)))
      .returning();
    if (!claimed) throw new SlotTaken();
    await planSlot(tx, claimed, null);
  };
  const useUp = async (reason: string) => {
    log().warn({ schedule: row.id, slot: fired.toISOString() }, `schedule ${row.name} started no run: ${reason}`);
    await db.transaction((tx) => advance(tx, null, reason.slice(0, 500))).catch((error) => {
      if (!(error instanceof SlotTaken)) throw error;
    });
  };

  const overlapping = row.lastRunId && row.overlapPolicy !== "allow" && (await stillRunning(row.lastRunId));
  if (overlapping && row.overlapPolicy === "forbid") return useUp("its previous run still runs (overlap policy forbid)");
  if (overlapping && row.overlapPolicy === "replace") {
    await cancelRun(principal, { workspaceId: row.workspaceId, runId: row.lastRunId! }).catch((error) => {
      if (!(error instanceof AppError && error.code === "run_ended")) throw error;
    });
  }
  try {
    await startRun(principal, { workspaceId: row.workspaceId, workflow: found.workflow, inputs: row.inputs, version: row.version ?? undefined, trigger: "schedule", triggerRef: row.id }, (tx, run) =>
      advance(tx, run.id),
    );
  } catch (error) {
    if (error instanceof SlotTaken) return;
    if (!(error instanceof AppError)) throw error;
    await useUp(explain(error));
  }
}

/**
 * A new version of a workflow was saved: on the argo engine, its schedules that run the latest
 * version are CronWorkflows compiled from a version, so they are compiled again.
 */
export async function workflowVersionSaved(ws: Parameters<typeof workspaceEngine>[0], workflowId: string) {
  if (!onCluster(ws)) return;
  const db = await database();
  const latest = await db.select().from(schedules).where(and(eq(schedules.workflowId, workflowId), isNull(schedules.version)));
  for (const row of latest) {
    await syncCronWorkflow(row).catch((error) => log().error({ err: error, schedule: row.id }, "could not update the CronWorkflow of a schedule after a new version"));
  }
}
