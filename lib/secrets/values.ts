import { and, desc, eq, isNull, type SQL } from "drizzle-orm";
import type { Database } from "@/db/client";
import { secrets, secretVersions } from "@/db/schema";
import { notFound } from "@/lib/errors";
import type { SecretStoreKind } from "./schema";
import { configuredStoreKind, secretStore, type Executor, type SecretVersionRef, type Tx } from "./store";

/**
 * Secret rows and their versions, with no access checks: the one place that writes and reads values
 * through the stores. The secrets service (people and clients) and connections (tokens) call it.
 */
export type SecretRow = typeof secrets.$inferSelect;

/** Where a secret belongs: its workspace and, for an app's, the app. */
export type SecretPlace = { tenantId: string; tenantSlug: string; workspaceId: string; appId: string | null };

export const versionRef = (row: SecretRow, version: number): SecretVersionRef => ({
  secretId: row.id,
  tenantId: row.tenantId,
  workspaceId: row.workspaceId,
  appId: row.appId,
  name: row.name,
  version,
});

/** The secrets, live or deleted, named `name` in the place: the workspace's own (appId null) or the app's. */
export function secretsNamed(place: Pick<SecretPlace, "workspaceId" | "appId">, name: string): SQL {
  return and(eq(secrets.workspaceId, place.workspaceId), place.appId ? eq(secrets.appId, place.appId) : isNull(secrets.appId), eq(secrets.name, name))!;
}

/** The live secret `name` of the place. */
export function secretWhere(place: Pick<SecretPlace, "workspaceId" | "appId">, name: string): SQL {
  return and(secretsNamed(place, name), isNull(secrets.deletedAt))!;
}

export async function findSecret(db: Pick<Database, "select">, place: Pick<SecretPlace, "workspaceId" | "appId">, name: string, lock = false): Promise<SecretRow> {
  const query = db.select().from(secrets).where(secretWhere(place, name));
  const [row] = lock ? await query.for("update") : await query;
  if (!row) throw notFound("secret");
  return row;
}

async function recordVersion(tx: Tx, row: SecretRow, place: SecretPlace, version: number, value: string, by: string, store: SecretStoreKind) {
  const sealed = await secretStore(store).put(tx, versionRef(row, version), value, { tenantSlug: place.tenantSlug, by });
  await tx.insert(secretVersions).values({ secretId: row.id, version, ...sealed, createdBy: by });
  const [updated] = await tx
    .update(secrets)
    .set({ version, ciphertext: sealed.ciphertext ?? "", updatedBy: by, updatedAt: new Date() })
    .where(eq(secrets.id, row.id))
    .returning();
  return updated;
}

/** A new secret with `value` as version 1, in the configured store; undefined when the name is taken. */
export async function insertSecret(tx: Tx, place: SecretPlace, input: { name: string; value: string; description?: string }, by: string): Promise<SecretRow | undefined> {
  const store = configuredStoreKind();
  const [row] = await tx
    .insert(secrets)
    .values({ tenantId: place.tenantId, workspaceId: place.workspaceId, appId: place.appId, name: input.name, description: input.description ?? "", store, ciphertext: "", version: 0, createdBy: by, updatedBy: by })
    .onConflictDoNothing()
    .returning();
  return row && recordVersion(tx, row, place, 1, input.value, by, store);
}

/** The next version of a secret (locked by the caller). */
export function writeVersion(tx: Tx, row: SecretRow, place: SecretPlace, value: string, by: string): Promise<SecretRow> {
  return recordVersion(tx, row, place, row.version + 1, value, by, row.store);
}

/** The value of a version of a secret, the current one by default. */
export async function readVersion(db: Executor, row: SecretRow, version = row.version): Promise<{ version: number; value: string }> {
  const [stored] = await db.select().from(secretVersions).where(and(eq(secretVersions.secretId, row.id), eq(secretVersions.version, version)));
  if (!stored) throw notFound(`version ${version} of the secret`);
  const value = await secretStore(row.store).get(db, versionRef(row, version), { ...stored, externalRef: row.externalRef });
  return { version, value };
}

export async function versionsOf(db: Pick<Database, "select">, secretId: string) {
  return db
    .select({ version: secretVersions.version, createdBy: secretVersions.createdBy, createdAt: secretVersions.createdAt })
    .from(secretVersions)
    .where(eq(secretVersions.secretId, secretId))
    .orderBy(desc(secretVersions.version));
}

/** Deletes a secret's values (every sealed copy here now, the store's as it deletes them); its name and history stay, marked deleted. */
export async function eraseSecret(tx: Tx, row: SecretRow, by: string): Promise<void> {
  await tx.update(secrets).set({ deletedAt: new Date(), ciphertext: "", updatedBy: by, updatedAt: new Date() }).where(eq(secrets.id, row.id));
  await tx.update(secretVersions).set({ ciphertext: null, sealedPendingValue: null }).where(eq(secretVersions.secretId, row.id));
  await secretStore(row.store).remove(tx, versionRef(row, row.version), by);
}
