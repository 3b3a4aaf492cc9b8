import { and, asc, eq } from "drizzle-orm";
import { z } from "zod";
import { database } from "@/db/client";
import { appParameters } from "@/db/schema";
import { recordAudit } from "@/lib/audit/service";
import { describePrincipal, type Principal } from "@/lib/auth/principal";
import { seal } from "@/lib/crypto/envelope";
import { notFound } from "@/lib/errors";
import { enqueueTask } from "@/lib/tasks/enqueue";
import { presentTask } from "@/lib/tasks/service";
import { parseInput } from "@/lib/validation";
import { parameterKey, parameterName } from "./cloud-names";
import { enterApp, type AppRow } from "./guard";
import { putParameterInput, type Parameter } from "./schema";
import { parameterSealContext, TASK, type DeleteParameterPayload, type PutParameterPayload } from "./task-kinds";

type ParameterRow = typeof appParameters.$inferSelect;

/**
 * A value on its way to SSM waits in its task's payload sealed with the master key, bound to the app,
 * the key and the write; the task drops it once written. It is in no other column, log or answer.
 */

function presentParameter(p: Principal, app: AppRow, row: ParameterRow): Parameter {
  return { name: row.name, path: parameterName(p.tenantSlug, app.slug, row.name), description: row.description, updatedBy: row.updatedBy, updatedAt: row.updatedAt.toISOString() };
}

/** Names and descriptions; values live only in Parameter Store. */
export async function listParameters(p: Principal, input: { appId: string }): Promise<{ items: Parameter[] }> {
  const app = await enterApp(p, input.appId, "app.read");
  const db = await database();
  const rows = await db.select().from(appParameters).where(eq(appParameters.appId, app.id)).orderBy(asc(appParameters.name));
  return { items: rows.map((row) => presentParameter(p, app, row)) };
}

const putInput = putParameterInput.extend({ appId: z.string() });

/** Records the parameter and queues writing its value to Parameter Store as a SecureString. */
export async function putParameter(p: Principal, input: z.input<typeof putInput>) {
  const { appId, name, value, description } = parseInput(putInput, input);
  const app = await enterApp(p, appId, "app.update");
  const writtenAt = new Date();
  const payload: PutParameterPayload = {
    key: name,
    parameterName: parameterName(p.tenantSlug, app.slug, name),
    description,
    writtenAt: writtenAt.toISOString(),
    sealedValue: seal(value, parameterSealContext(app.id, name, writtenAt.toISOString())),
  };
  const db = await database();
  return db.transaction(async (tx) => {
    const values = { description, updatedBy: describePrincipal(p), updatedAt: writtenAt };
    const [row] = await tx
      .insert(appParameters)
      .values({ appId: app.id, name, ...values })
      .onConflictDoUpdate({ target: [appParameters.appId, appParameters.name], set: values })
      .returning();
    const task = await enqueueTask(tx, { tenantId: p.tenantId, kind: TASK.putParameter, targetType: "app", targetId: app.id, payload, createdBy: describePrincipal(p) });
    await recordAudit(tx, p, { action: "app.parameter.put", targetType: "app", targetId: app.id, workspaceId: app.workspaceId, after: { name, description } });
    return { parameter: presentParameter(p, app, row), task: presentTask(task) };
  });
}

const deleteInput = z.object({ appId: z.string(), name: z.string() });

export async function deleteParameter(p: Principal, input: z.input<typeof deleteInput>) {
  const { appId, name } = parseInput(deleteInput, input);
  const app = await enterApp(p, appId, "app.update");
  if (!parameterKey.safeParse(name).success) throw notFound("parameter");
  const db = await database();
  return db.transaction(async (tx) => {
    const [row] = await tx
      .delete(appParameters)
      .where(and(eq(appParameters.appId, app.id), eq(appParameters.name, name)))
      .returning();
    if (!row) throw notFound("parameter");
    const payload: DeleteParameterPayload = { key: name, parameterName: parameterName(p.tenantSlug, app.slug, name) };
    const task = await enqueueTask(tx, { tenantId: p.tenantId, kind: TASK.deleteParameter, targetType: "app", targetId: app.id, payload, createdBy: describePrincipal(p) });
    await recordAudit(tx, p, { action: "app.parameter.delete", targetType: "app", targetId: app.id, workspaceId: app.workspaceId, before: { name, description: row.description } });
    return { task: presentTask(task) };
  });
}
