import { isDeepStrictEqual } from "node:util";
import { and, asc, desc, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import { database, type Database } from "@/db/client";
import { eventDeliveries, eventDeliveryRuns, eventTriggers, tenants, workflows } from "@/db/schema";
import { recordAudit } from "@/lib/audit/service";
import { describePrincipal, type Principal } from "@/lib/auth/principal";
import { AppError, invalid, notFound } from "@/lib/errors";
import { parseInput } from "@/lib/validation";
import { enqueue, type Job } from "../local/queue";
import { wakeWorkers } from "../local/signals";
import { startRun } from "../runs/service";
import { explain } from "./explain";
import { triggerPrincipal } from "./principal";
import { createEventTriggerBody, emittedEvent, updateEventTriggerBody, type EventTrigger } from "./schema";
import { assertRoom, findOf, listOf, triggerTarget, versionSpec, workflowRef, type TriggerTarget, type WorkflowRef } from "./target";

/**
 * Events: other parts of Sluice (the storage commit, …) announce what happened with `emitEvent`,
 * without knowing which workflows care or which engine runs them. Event triggers bind an event type
 * (and a filter on its payload) to a workflow, mapping payload fields to inputs. Every event is
 * recorded as a delivery; a queue job then starts the run of each enabled trigger that matches and
 * records, per trigger, the run it started or why none started.
 */
export const EVENT_DELIVERY_JOB = "event.deliver";
const RECENT_DELIVERIES = 5;

type TriggerRow = typeof eventTriggers.$inferSelect;
type Executor = Pick<Database, "insert" | "execute">;

/** The value at a dotted path of a payload ("commit.branch"), or undefined. */
function valueAt(payload: unknown, path: string): unknown {
  let value = payload;
  for (const key of path.split(".")) {
    if (!value || typeof value !== "object" || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

const matches = (filter: Record<string, unknown>, payload: Record<string, unknown>) => Object.entries(filter).every(([path, expected]) => isDeepStrictEqual(valueAt(payload, path), expected));

function inputsFrom(mapping: Record<string, string>, payload: Record<string, unknown>) {
  return Object.fromEntries(Object.entries(mapping).flatMap(([input, path]) => (valueAt(payload, path) === undefined ? [] : [[input, valueAt(payload, path)]])));
}

/**
 * Announces an event of a tenant: records its delivery and queues the job that starts the runs it
 * triggers. Given a transaction, both are part of it — the event happens exactly when the change
 * that caused it commits. Answers the delivery's id.
 */
export async function emitEvent(tenantId: string, type: string, payload: Record<string, unknown>, source: string, tx?: Executor): Promise<number> {
  const event = parseInput(emittedEvent, { tenantId, type, payload, source }, "The event is not valid.");
  const record = async (executor: Executor) => {
    const [delivery] = await executor.insert(eventDeliveries).values(event).returning({ id: eventDeliveries.id });
    await enqueue(executor, [{ kind: EVENT_DELIVERY_JOB, tenantKey: tenantId, payload: { deliveryId: delivery.id }, uniqueKey: `event:${delivery.id}` }]);
    return delivery.id;
  };
  if (tx) return record(tx);
  const db = await database();
  const id = await db.transaction(record);
  wakeWorkers({ queuedJobs: true });
  return id;
}

/** This trigger's outcome for this delivery was recorded already: the run being started is not. */
class AlreadyDelivered extends Error {}

async function recordOutcome(executor: Pick<Database, "insert">, deliveryId: number, triggerId: string, outcome: { runId: string } | { error: string }) {
  const [recorded] = await executor
    .insert(eventDeliveryRuns)
    .values({ deliveryId, triggerId, ...outcome })
    .onConflictDoNothing()
    .returning();
  if (!recorded) throw new AlreadyDelivered();
}

/**
 * The handler of a delivery job: starts the run of every enabled, matching trigger of the event's
 * type, each once (the outcome is recorded in the run's own transaction, keyed by delivery and
 * trigger, so a retried job does not start a run twice), then marks the delivery processed.
 */
export async function deliverEvent(job: Pick<Job, "payload">) {
  const deliveryId = Number(job.payload.deliveryId);
  const db = await database();
  const [found] = await db
    .select({ delivery: eventDeliveries, tenant: { id: tenants.id, slug: tenants.slug } })
    .from(eventDeliveries)
    .innerJoin(tenants, eq(tenants.id, eventDeliveries.tenantId))
    .where(eq(eventDeliveries.id, deliveryId));
  if (!found || found.delivery.processedAt) return;
  const { delivery } = found;
  const bound = await db
    .select({ trigger: eventTriggers, workflow: workflows.name })
    .from(eventTriggers)
    .innerJoin(workflows, and(eq(workflows.id, eventTriggers.workflowId), isNull(workflows.deletedAt)))
    .where(and(eq(eventTriggers.tenantId, delivery.tenantId), eq(eventTriggers.eventType, delivery.type), eq(eventTriggers.enabled, true)))
    .orderBy(asc(eventTriggers.createdAt));
  for (const { trigger, workflow } of bound.filter(({ trigger }) => matches(trigger.filter, delivery.payload))) {
    const principal = triggerPrincipal(found.tenant, "event", { id: trigger.id, name: delivery.type });
    try {
      await startRun(principal, { workspaceId: trigger.workspaceId, workflow, inputs: inputsFrom(trigger.inputs, delivery.payload), trigger: "event", triggerRef: String(delivery.id) }, (tx, run) =>
        recordOutcome(tx, delivery.id, trigger.id, { runId: run.id }),
      );
    } catch (error) {
      if (error instanceof AlreadyDelivered) continue;
      if (!(error instanceof AppError)) throw error;
      await recordOutcome(db, delivery.id, trigger.id, { error: explain(error) }).catch((e) => {
        if (!(e instanceof AlreadyDelivered)) throw e;
      });
    }
  }
  await db.update(eventDeliveries).set({ processedAt: sql`now()` }).where(eq(eventDeliveries.id, delivery.id));
}

async function recentDeliveries(triggerId: string) {
  const db = await database();
  const rows = await db
    .select({ deliveryId: eventDeliveryRuns.deliveryId, at: eventDeliveries.createdAt, runId: eventDeliveryRuns.runId, error: eventDeliveryRuns.error })
    .from(eventDeliveryRuns)
    .innerJoin(eventDeliveries, eq(eventDeliveries.id, eventDeliveryRuns.deliveryId))
    .where(eq(eventDeliveryRuns.triggerId, triggerId))
    .orderBy(desc(eventDeliveryRuns.deliveryId))
    .limit(RECENT_DELIVERIES);
  return rows.map((row) => ({ ...row, at: row.at.toISOString() }));
}

async function present(row: TriggerRow, workflow: string): Promise<EventTrigger> {
  return {
    id: row.id,
    workflow,
    eventType: row.eventType,
    filter: row.filter,
    inputs: row.inputs,
    enabled: row.enabled,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    recentDeliveries: await recentDeliveries(row.id),
  };
}

const auditView = (row: TriggerRow) => ({ eventType: row.eventType, filter: row.filter, inputs: row.inputs, enabled: row.enabled });

/** Input names a trigger maps must be inputs of the workflow (its latest version); values are checked when an event comes. */
async function checkMapping(target: TriggerTarget, mapping: Record<string, string>) {
  const declared = new Set((await versionSpec(target.workflow, null)).inputs.map((input) => input.name));
  const unknown = Object.keys(mapping).filter((name) => !declared.has(name));
  if (unknown.length > 0) throw invalid(unknown.map((name) => ({ path: `inputs.${name}`, message: "the workflow has no such input" })), "The event trigger is not valid.");
}

const triggerRef = workflowRef.extend({ triggerId: z.string() });
const findTrigger = (target: TriggerTarget, triggerId: string) => findOf(eventTriggers, target.workflow, triggerId, "event trigger");

export async function listEventTriggers(p: Principal, input: WorkflowRef) {
  const target = await triggerTarget(p, parseInput(workflowRef, input), "run.read");
  const rows = await listOf(eventTriggers, target.workflow, asc(eventTriggers.eventType), asc(eventTriggers.createdAt));
  return { items: await Promise.all(rows.map((row) => present(row, target.workflow.name))) };
}

export async function getEventTrigger(p: Principal, input: z.input<typeof triggerRef>) {
  const { triggerId, ...rest } = parseInput(triggerRef, input);
  const target = await triggerTarget(p, rest, "run.read");
  return present(await findTrigger(target, triggerId), target.workflow.name);
}

const createInput = createEventTriggerBody.extend(workflowRef.shape);

export async function createEventTrigger(p: Principal, input: z.input<typeof createInput>): Promise<EventTrigger> {
  const { workspaceId, workflow, ...data } = parseInput(createInput, input);
  const target = await triggerTarget(p, { workspaceId, workflow }, "trigger.manage");
  await checkMapping(target, data.inputs ?? {});
  const db = await database();
  const row = await db.transaction(async (tx) => {
    await assertRoom(tx, eventTriggers, target.workflow, "event triggers");
    const [created] = await tx
      .insert(eventTriggers)
      .values({ tenantId: p.tenantId, workspaceId: target.ws.id, workflowId: target.workflow.id, eventType: data.eventType, filter: data.filter ?? {}, inputs: data.inputs ?? {}, enabled: data.enabled ?? true, createdBy: describePrincipal(p) })
      .returning();
    await recordAudit(tx, p, { action: "event_trigger.create", targetType: "event_trigger", targetId: created.id, workspaceId: target.ws.id, after: auditView(created) });
    return created;
  });
  return present(row, target.workflow.name);
}

const updateInput = updateEventTriggerBody.extend(triggerRef.shape);

export async function updateEventTrigger(p: Principal, input: z.input<typeof updateInput>): Promise<EventTrigger> {
  const { workspaceId, workflow, triggerId, ...change } = parseInput(updateInput, input);
  const target = await triggerTarget(p, { workspaceId, workflow }, "trigger.manage");
  const current = await findTrigger(target, triggerId);
  if (Object.keys(change).length === 0) return present(current, target.workflow.name);
  if (change.inputs) await checkMapping(target, change.inputs);
  const db = await database();
  const row = await db.transaction(async (tx) => {
    const [updated] = await tx.update(eventTriggers).set(change).where(eq(eventTriggers.id, current.id)).returning();
    if (!updated) throw notFound("event trigger");
    await recordAudit(tx, p, { action: "event_trigger.update", targetType: "event_trigger", targetId: updated.id, workspaceId: target.ws.id, before: auditView(current), after: auditView(updated) });
    return updated;
  });
  return present(row, target.workflow.name);
}

export async function deleteEventTrigger(p: Principal, input: z.input<typeof triggerRef>) {
  const { triggerId, ...rest } = parseInput(triggerRef, input);
  const target = await triggerTarget(p, rest, "trigger.manage");
  const current = await findTrigger(target, triggerId);
  const db = await database();
  await db.transaction(async (tx) => {
    const [deleted] = await tx.delete(eventTriggers).where(eq(eventTriggers.id, current.id)).returning();
    if (!deleted) throw notFound("event trigger");
    await recordAudit(tx, p, { action: "event_trigger.delete", targetType: "event_trigger", targetId: deleted.id, workspaceId: target.ws.id, before: auditView(deleted) });
  });
}
