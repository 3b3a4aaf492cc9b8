import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { and, eq, inArray, isNull, ne, sql } from "drizzle-orm";
import { database } from "@/db/client";
import { secrets, secretVersions, tasks } from "@/db/schema";
import { withAws } from "@/lib/apps/aws";
import { open } from "@/lib/crypto/envelope";
import { defineTask, PermanentTaskError } from "@/lib/tasks/registry";
import { awsSecretsTarget, deleteFromAws, pendingValueContext, writeToAws, type WriteSecretPayload } from "./aws-store";
import { SECRET_TASK } from "./task-kinds";
import { secretsNamed, versionRef, type SecretRow } from "./values";

/**
 * The background tasks of the `aws` secret store (registered by importing this module, as lib/apps/tasks
 * does for every worker). A secret's tasks run in order, so a deletion runs after the writes before it.
 * A secret that takes the name of a deleted one takes over its AWS secret (restoring it), so the two
 * secrets' tasks, which the runner does not order, look out for each other.
 */

async function secretOf(id: string): Promise<SecretRow | undefined> {
  const db = await database();
  const [row] = await db.select().from(secrets).where(eq(secrets.id, id));
  return row;
}

async function pendingCopy(secretId: string, version: number): Promise<string | null> {
  const db = await database();
  const [stored] = await db
    .select({ sealed: secretVersions.sealedPendingValue })
    .from(secretVersions)
    .where(and(eq(secretVersions.secretId, secretId), eq(secretVersions.version, version)));
  return stored?.sealed ?? null;
}

function openPending(sealed: string, secretId: string, version: number): string {
  try {
    return open(sealed, pendingValueContext(secretId, version));
  } catch (error) {
    throw new PermanentTaskError(`${(error as Error).message} Write the secret again.`);
  }
}

/** Whether the deletion in AWS of an earlier secret of this name is queued or running: taking the name over must wait for it. */
async function earlierDeletionUnfinished(row: SecretRow): Promise<boolean> {
  const db = await database();
  const [unfinished] = await db
    .select({ id: tasks.id })
    .from(tasks)
    .innerJoin(secrets, sql`${secrets.id}::text = ${tasks.targetId}`)
    .where(and(eq(tasks.kind, SECRET_TASK.delete), inArray(tasks.state, ["queued", "running"]), secretsNamed(row, row.name), ne(secrets.id, row.id)))
    .limit(1);
  return unfinished !== undefined;
}

defineTask(SECRET_TASK.write, async (task, { progress }) => {
  const { version, tenantSlug } = task.payload as WriteSecretPayload;
  const row = await secretOf(task.targetId);
  const sealed = row && (await pendingCopy(row.id, version));
  if (!row || !sealed) return { skipped: "the version was written already, or its secret deleted" };
  if (!row.externalRef && (await earlierDeletionUnfinished(row))) throw new Error("An earlier secret of this name is still being deleted in AWS; this write waits for it.");
  const value = openPending(sealed, row.id, version);
  await progress(20, `Writing version ${version} to AWS Secrets Manager`);
  const written = await withAws(SecretsManagerClient, awsSecretsTarget(row), (sm) => writeToAws(sm, versionRef(row, version), tenantSlug, row.externalRef, value));
  const db = await database();
  await db.transaction(async (tx) => {
    await tx.update(secrets).set({ externalRef: written.externalRef }).where(eq(secrets.id, row.id));
    await tx
      .update(secretVersions)
      .set({ externalVersionId: written.versionId, sealedPendingValue: null })
      .where(and(eq(secretVersions.secretId, row.id), eq(secretVersions.version, version)));
  });
  return { versionId: written.versionId };
});

/** Whether a live secret that took this deleted one's name holds its AWS secret now (it restored it). */
async function heldByAnother(row: SecretRow, externalRef: string): Promise<boolean> {
  const db = await database();
  const [holder] = await db
    .select({ id: secrets.id })
    .from(secrets)
    .where(and(eq(secrets.externalRef, externalRef), ne(secrets.id, row.id), isNull(secrets.deletedAt)))
    .limit(1);
  return holder !== undefined;
}

defineTask(SECRET_TASK.delete, async (task, { progress }) => {
  const row = await secretOf(task.targetId);
  const externalRef = row?.externalRef;
  if (!row || !externalRef) return { skipped: "nothing of this secret was written to AWS" };
  if (await heldByAnother(row, externalRef)) return { skipped: "a newer secret of this name holds it" };
  await progress(20, `Scheduling the deletion of ${externalRef}`);
  await withAws(SecretsManagerClient, awsSecretsTarget(row), (sm) => deleteFromAws(sm, externalRef));
  return { deleted: externalRef };
});
