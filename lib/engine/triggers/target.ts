import { and, count, eq, isNull, type SQL } from "drizzle-orm";
import { z } from "zod";
import { database, type Database } from "@/db/client";
import { eventTriggers, schedules, webhooks, workflows, workflowVersions } from "@/db/schema";
import type { Principal } from "@/lib/auth/principal";
import { AppError, conflict, notFound } from "@/lib/errors";
import { secretNamesOf } from "@/lib/secrets/service";
import { assertActive, enterWorkspace, type GuardedWorkspace } from "@/lib/workspaces/guard";
import { parseRunInputs } from "../runs/inputs";
import { MAX_TRIGGERS_PER_WORKFLOW } from "./schema";

export type WorkflowRow = typeof workflows.$inferSelect;
export type TriggerTarget = { ws: GuardedWorkspace; workflow: WorkflowRow };
export const workflowRef = z.object({ workspaceId: z.string(), workflow: z.string().max(63) });
export type WorkflowRef = z.input<typeof workflowRef>;
type TriggerTable = typeof schedules | typeof webhooks | typeof eventTriggers;

/**
 * The workflow whose triggers are read (`run.read`) or changed (`trigger.manage`, refused on an
 * archived workspace). A workflow that was deleted is not found.
 */
export async function triggerTarget(p: Principal, ref: WorkflowRef, action: "run.read" | "trigger.manage"): Promise<TriggerTarget> {
  const ws = await enterWorkspace(p, ref.workspaceId, action);
  if (action === "trigger.manage") assertActive(ws);
  const db = await database();
  const [workflow] = await db
    .select()
    .from(workflows)
    .where(and(eq(workflows.workspaceId, ws.id), eq(workflows.name, ref.workflow), isNull(workflows.deletedAt)));
  if (!workflow) throw notFound("workflow");
  return { ws, workflow };
}

/** The spec of a version of the workflow (default its latest); 400 on the field when it does not exist. */
export async function versionSpec(workflow: WorkflowRow, version: number | null, field = "version") {
  const db = await database();
  const number = version ?? workflow.latestVersion;
  const [row] = await db
    .select({ spec: workflowVersions.spec })
    .from(workflowVersions)
    .where(and(eq(workflowVersions.workflowId, workflow.id), eq(workflowVersions.version, number)));
  if (!row) throw new AppError(400, "validation_failed", `The workflow has no version ${number}.`, { errors: [{ path: field, message: "no such version" }] });
  return row.spec;
}

/** Inputs checked as a manual start checks them, against a version of the workflow (default its latest). */
export async function checkInputs(target: TriggerTarget, version: number | null, inputs: Record<string, unknown>) {
  const spec = await versionSpec(target.workflow, version);
  return parseRunInputs(spec.inputs, inputs, new Set(await secretNamesOf(target.ws.id)));
}

/** A trigger of the workflow by id; 404 when it is not one of this workflow's. */
export async function findOf<T extends TriggerTable>(table: T, workflow: WorkflowRow, id: string, what: string): Promise<T["$inferSelect"]> {
  if (!z.uuid().safeParse(id).success) throw notFound(what);
  const db = await database();
  const [row] = await db
    .select()
    .from(table as TriggerTable)
    .where(and(eq(table.id, id), eq(table.workflowId, workflow.id)));
  if (!row) throw notFound(what);
  return row as T["$inferSelect"];
}

/** The workflow's triggers of one kind, in the order given. */
export async function listOf<T extends TriggerTable>(table: T, workflow: WorkflowRow, ...order: SQL[]): Promise<T["$inferSelect"][]> {
  const db = await database();
  const rows = await db
    .select()
    .from(table as TriggerTable)
    .where(eq(table.workflowId, workflow.id))
    .orderBy(...order);
  return rows as T["$inferSelect"][];
}

/** Refuses a trigger beyond the per-workflow limit (inside the transaction that adds it). */
export async function assertRoom(tx: Pick<Database, "select">, table: TriggerTable, workflow: WorkflowRow, what: string) {
  const [existing] = await tx.select({ n: count() }).from(table).where(eq(table.workflowId, workflow.id));
  if (existing.n >= MAX_TRIGGERS_PER_WORKFLOW) throw conflict("too_many_triggers", `A workflow has at most ${MAX_TRIGGERS_PER_WORKFLOW} ${what}.`);
}

/** A name already taken by another trigger of the same kind on this workflow. */
export function nameTaken(error: unknown, what: string): AppError | undefined {
  if ((error as { cause?: { code?: string } }).cause?.code !== "23505") return undefined;
  return conflict("name_taken", `The workflow already has a ${what} of that name.`, { errors: [{ path: "name", message: "already taken" }] });
}
