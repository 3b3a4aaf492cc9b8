import { and, asc, eq, isNull } from "drizzle-orm";
import type { z } from "zod";
import { database, type Database } from "@/db/client";
import { secrets } from "@/db/schema";
import { recordAudit } from "@/lib/audit/service";
import { describePrincipal, type Principal } from "@/lib/auth/principal";
import { connectionToken } from "@/lib/connections/tokens";
import { managedSecrets, type ManagedSecret } from "@/lib/connections/managed";
import { conflict, notFound } from "@/lib/errors";
import type { Task } from "@/lib/tasks/schema";
import { unfinishedTasksOf } from "@/lib/tasks/service";
import { parseInput } from "@/lib/validation";
import { legacySecretsResealed } from "./legacy";
import { enterSecretOwner } from "./owner";
import type { Tx } from "./store";
import {
  createSecretInput,
  describeSecretInput,
  putSecretInput,
  revealSecretInput,
  secretOwner,
  secretRefInput,
  type SecretDetail,
  type SecretMeta,
  type SecretOwner,
} from "./schema";
import { eraseSecret, findSecret, insertSecret, readVersion, secretWhere, versionsOf, writeVersion, type SecretRow } from "./values";

export { secretName } from "./schema";

/**
 * Workspace and app secrets. Values are write-only: they go in, and only names, descriptions and
 * versions come out — except to a run (revealSecretValue, inside the engine) and to a machine client
 * with the `secrets:reveal` scope; every read is audited, with the version read and never the value.
 */
function toMeta(row: SecretRow, managed: ManagedSecret | undefined, pendingTasks: Task[]): SecretMeta {
  return {
    name: row.name,
    description: row.description,
    store: row.store,
    version: row.version,
    connection: managed?.connection ?? null,
    pendingTasks,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    updatedBy: row.updatedBy,
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Secrets of one workspace as they are shown, with their connections and the tasks they wait for. */
async function presentSecrets(db: Pick<Database, "select">, workspaceId: string, rows: SecretRow[]): Promise<SecretMeta[]> {
  const managed = await managedSecrets(db, workspaceId);
  const pending = await unfinishedTasksOf(db, "secret", rows.map((row) => row.id));
  return rows.map((row) => toMeta(row, managed.get(row.id), pending.get(row.id) ?? []));
}

const presentSecret = async (db: Pick<Database, "select">, row: SecretRow) => (await presentSecrets(db, row.workspaceId, [row]))[0];

const ownerOf = (input: SecretOwner): SecretOwner => ({ workspaceId: input.workspaceId, ...(input.appId === undefined ? {} : { appId: input.appId }) });
const secretAudit = (row: SecretRow, extra: Record<string, unknown> = {}) => ({ name: row.name, ...(row.appId ? { appId: row.appId } : {}), ...extra });

function refuseManaged(managed: ManagedSecret | undefined) {
  if (managed) throw conflict("secret_managed", `This secret holds a token of the connection ${managed.connection}; Sluice writes it. Reconnect or delete the connection instead.`);
}

export async function createSecret(p: Principal, input: z.input<typeof createSecretInput>): Promise<SecretMeta> {
  const data = parseInput(createSecretInput, input);
  const place = await enterSecretOwner(p, ownerOf(data), "write");
  await legacySecretsResealed();
  const db = await database();
  return db.transaction(async (tx) => {
    const row = await insertSecret(tx, place, data, describePrincipal(p));
    if (!row) throw conflict("secret_exists", `A secret named ${data.name} already exists here.`);
    await recordAudit(tx, p, { action: "secret.create", targetType: "secret", targetId: row.id, workspaceId: place.workspaceId, after: secretAudit(row, { version: 1 }) });
    return presentSecret(tx, row);
  });
}

/** A new version of the value; the secret is created when it does not exist yet. */
export async function putSecret(p: Principal, input: z.input<typeof putSecretInput>): Promise<{ secret: SecretMeta; created: boolean }> {
  const data = parseInput(putSecretInput, input);
  const place = await enterSecretOwner(p, ownerOf(data), "write");
  await legacySecretsResealed();
  const db = await database();
  return db.transaction(async (tx) => {
    const [existing] = await tx.select().from(secrets).where(secretWhere(place, data.name)).for("update");
    const by = describePrincipal(p);
    if (!existing) {
      const row = await insertSecret(tx, place, data, by);
      if (!row) throw conflict("secret_exists", `A secret named ${data.name} was just created here; try again.`);
      await recordAudit(tx, p, { action: "secret.create", targetType: "secret", targetId: row.id, workspaceId: place.workspaceId, after: secretAudit(row, { version: 1 }) });
      return { secret: await presentSecret(tx, row), created: true };
    }
    refuseManaged((await managedSecrets(tx, place.workspaceId)).get(existing.id));
    let row = await writeVersion(tx, existing, place, data.value, by);
    if (data.description !== undefined && data.description !== row.description) {
      [row] = await tx.update(secrets).set({ description: data.description }).where(eq(secrets.id, row.id)).returning();
    }
    await recordAudit(tx, p, { action: "secret.update", targetType: "secret", targetId: row.id, workspaceId: place.workspaceId, before: secretAudit(existing, { version: existing.version }), after: secretAudit(row, { version: row.version }) });
    return { secret: await presentSecret(tx, row), created: false };
  });
}

export async function describeSecret(p: Principal, input: z.input<typeof describeSecretInput>): Promise<SecretMeta> {
  const data = parseInput(describeSecretInput, input);
  const place = await enterSecretOwner(p, ownerOf(data), "write");
  const db = await database();
  return db.transaction(async (tx) => {
    const locked = await findSecret(tx, place, data.name, true);
    const [row] = await tx.update(secrets).set({ description: data.description, updatedBy: describePrincipal(p), updatedAt: new Date() }).where(eq(secrets.id, locked.id)).returning();
    await recordAudit(tx, p, { action: "secret.describe", targetType: "secret", targetId: row.id, workspaceId: place.workspaceId, before: secretAudit(locked, { description: locked.description }), after: secretAudit(row, { description: row.description }) });
    return presentSecret(tx, row);
  });
}

/** Deletes the values (AWS: a task schedules the deletion after its recovery window); the name is free again, the history stays in the audit log. */
export async function deleteSecret(p: Principal, input: z.input<typeof secretRefInput>): Promise<void> {
  const data = parseInput(secretRefInput, input);
  const place = await enterSecretOwner(p, ownerOf(data), "write");
  const db = await database();
  await db.transaction(async (tx) => {
    const row = await findSecret(tx, place, data.name, true);
    refuseManaged((await managedSecrets(tx, place.workspaceId)).get(row.id));
    await eraseAudited(tx, p, row);
  });
}

async function eraseAudited(tx: Tx, p: Principal, row: SecretRow) {
  await eraseSecret(tx, row, describePrincipal(p));
  await recordAudit(tx, p, { action: "secret.delete", targetType: "secret", targetId: row.id, workspaceId: row.workspaceId, before: secretAudit(row, { version: row.version }) });
}

/** Deletes the secrets of an app that is being deleted, in its transaction (the caller checked access); how many. */
export async function eraseAppSecrets(tx: Tx, p: Principal, appId: string): Promise<number> {
  const rows = await tx
    .select()
    .from(secrets)
    .where(and(eq(secrets.appId, appId), isNull(secrets.deletedAt)))
    .for("update");
  for (const row of rows) await eraseAudited(tx, p, row);
  return rows.length;
}

export async function listSecrets(p: Principal, input: z.input<typeof secretOwner>): Promise<{ items: SecretMeta[] }> {
  const owner = parseInput(secretOwner, input);
  const place = await enterSecretOwner(p, owner, "list");
  const db = await database();
  const where = and(eq(secrets.workspaceId, place.workspaceId), place.appId ? eq(secrets.appId, place.appId) : isNull(secrets.appId), isNull(secrets.deletedAt));
  const rows = await db.select().from(secrets).where(where).orderBy(asc(secrets.name));
  return { items: await presentSecrets(db, place.workspaceId, rows) };
}

export async function getSecret(p: Principal, input: z.input<typeof secretRefInput>): Promise<SecretDetail> {
  const data = parseInput(secretRefInput, input);
  const place = await enterSecretOwner(p, ownerOf(data), "list");
  const db = await database();
  const row = await findSecret(db, place, data.name);
  const versions = await versionsOf(db, row.id);
  return {
    ...(await presentSecret(db, row)),
    versions: versions.map((v) => ({ version: v.version, createdBy: v.createdBy, createdAt: v.createdAt.toISOString() })),
  };
}

/** A value, to a machine client with `secrets:reveal`; audited. A connection's access token is refreshed first if it is due. */
export async function revealSecret(p: Principal, input: z.input<typeof revealSecretInput>): Promise<{ name: string; version: number; value: string }> {
  const data = parseInput(revealSecretInput, input);
  const place = await enterSecretOwner(p, ownerOf(data), "reveal");
  await legacySecretsResealed();
  const read = await readSecret(place.workspaceId, place.appId, data.name, data.version);
  const db = await database();
  await recordAudit(db, p, { action: "secret.reveal", targetType: "secret", targetId: read.row.id, workspaceId: place.workspaceId, after: secretAudit(read.row, { version: read.version }) });
  return { name: read.row.name, version: read.version, value: read.value };
}

export async function listSecretNames(p: Principal, input: { workspaceId: string }): Promise<string[]> {
  const place = await enterSecretOwner(p, { workspaceId: input.workspaceId }, "list");
  return secretNamesOf(place.workspaceId);
}

/** The names a workspace's runs may use, for services that already checked access: its own secrets, without connections' refresh tokens. */
export async function secretNamesOf(workspaceId: string): Promise<string[]> {
  const db = await database();
  const rows = await db
    .select({ id: secrets.id, name: secrets.name })
    .from(secrets)
    .where(and(eq(secrets.workspaceId, workspaceId), isNull(secrets.appId), isNull(secrets.deletedAt)))
    .orderBy(asc(secrets.name));
  const managed = await managedSecrets(db, workspaceId);
  return rows.filter((row) => managed.get(row.id)?.token !== "refresh").map((row) => row.name);
}

/** Reads a version (the current one by default); a connection's access token comes fresh, its refresh token never. */
async function readSecret(workspaceId: string, appId: string | null, name: string, version?: number) {
  const db = await database();
  const row = await findSecret(db, { workspaceId, appId }, name);
  const managed = (await managedSecrets(db, workspaceId)).get(row.id);
  if (managed?.token === "refresh") throw notFound("secret");
  if (managed && version === undefined) {
    const token = await connectionToken(workspaceId, managed.connection);
    return { row: await findSecret(db, { workspaceId, appId }, name), version: token.version, value: token.accessToken };
  }
  return { row, ...(await readVersion(db, row, version)) };
}

/**
 * A secret's value for the engine to hand to a run (an app's with `appId`). Internal: no principal and
 * no access check here — the run's workspace decides; the read is audited as the run's.
 */
export async function revealSecretValue(workspaceId: string, name: string, options: { runId?: string; appId?: string } = {}): Promise<string> {
  await legacySecretsResealed();
  const read = await readSecret(workspaceId, options.appId ?? null, name);
  const db = await database();
  const reader: Principal = {
    kind: "system",
    id: options.runId ?? "engine",
    subject: options.runId ? `run:${options.runId}` : "engine",
    name: options.runId ? `run ${options.runId}` : "engine",
    tenantId: read.row.tenantId,
    tenantSlug: "",
    roles: [],
    groups: [],
    scopes: [],
  };
  await recordAudit(db, reader, { action: "secret.reveal", targetType: "secret", targetId: read.row.id, workspaceId, after: secretAudit(read.row, { version: read.version }) });
  return read.value;
}
