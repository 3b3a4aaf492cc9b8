import { randomBytes } from "node:crypto";
import { renameSync, rmSync, writeFileSync } from "node:fs";
import { and, eq, isNotNull, sql } from "drizzle-orm";
import { database, type Database } from "@/db/client";
import { connections, oauthProviders, secretDataKeys, secretVersions, settings, signingKeys, storageOrganizations, tasks, webhooks } from "@/db/schema";
import { parameterSealContext, TASK, type PutParameterPayload } from "@/lib/apps/task-kinds";
import { sealContext as signingKeyContext } from "@/lib/auth/keys";
import { isSealedSetting, settingContext } from "@/lib/auth/secrets";
import { clientSecretContext } from "@/lib/connections/providers";
import { verifierContext } from "@/lib/connections/service";
import { reseal, SealedValueError, type SealContext } from "@/lib/crypto/envelope";
import { loadMasterKey, masterKey, masterKeyFile } from "@/lib/crypto/master-key";
import type { Environment } from "@/lib/data-dir";
import { sealContext as webhookContext } from "@/lib/engine/triggers/webhooks";
import { accountKeyContext } from "@/lib/storage/account";
import { pendingValueContext } from "./aws-store";
import { dataKeyContext } from "./embedded-store";

/**
 * Master-key rotation: everything sealed under the master key — each workspace's secret data key,
 * secret versions waiting to be written to AWS Secrets Manager, the token signing key, sealed instance
 * settings, webhook secrets, OAuth client secrets and pending PKCE verifiers, storage account keys — is
 * re-sealed under a new key in one transaction. Embedded secret values are sealed with the data keys,
 * so they are not touched. A value that does not open (changed, or sealed under another key)
 * stops the rotation with nothing changed.
 */
type Tx = Pick<Database, "select" | "update" | "execute">;
type Sealed = { what: string; sealed: string; context: SealContext; save: (tx: Tx, resealed: string) => Promise<unknown> };

/** Columns of sealed values, by "<table>.<column>", that the rotation knows how to re-seal. */
const KNOWN_COLUMNS = new Set([
  "secret_data_keys.wrapped_key",
  "secret_versions.sealed_pending_value",
  "signing_keys.wrapped_private_key",
  "webhooks.sealed_secret",
  "oauth_providers.sealed_client_secret",
  "connections.sealed_verifier",
  "storage_organizations.sealed_account_key",
]);

async function sealedValues(tx: Tx): Promise<Sealed[]> {
  const values: Sealed[] = [];
  for (const row of await tx.select().from(secretDataKeys).for("update")) {
    values.push({ what: `the secret data key of workspace ${row.workspaceId}`, sealed: row.wrappedKey, context: dataKeyContext(row.workspaceId), save: (t, v) => t.update(secretDataKeys).set({ wrappedKey: v }).where(eq(secretDataKeys.workspaceId, row.workspaceId)) });
  }
  for (const row of await tx.select().from(secretVersions).where(isNotNull(secretVersions.sealedPendingValue)).for("update")) {
    values.push({
      what: `version ${row.version} of the secret ${row.secretId}, waiting to be written to AWS`,
      sealed: row.sealedPendingValue!,
      context: pendingValueContext(row.secretId, row.version),
      save: (t, v) => t.update(secretVersions).set({ sealedPendingValue: v }).where(and(eq(secretVersions.secretId, row.secretId), eq(secretVersions.version, row.version))),
    });
  }
  for (const row of await tx.select().from(signingKeys).where(isNotNull(signingKeys.wrappedPrivateKey)).for("update")) {
    values.push({ what: `the signing key ${row.kid}`, sealed: row.wrappedPrivateKey!, context: signingKeyContext(row.kid), save: (t, v) => t.update(signingKeys).set({ wrappedPrivateKey: v }).where(eq(signingKeys.kid, row.kid)) });
  }
  for (const row of await tx.select().from(settings).for("update")) {
    if (!isSealedSetting(row.value)) continue;
    values.push({ what: `the setting ${row.key}`, sealed: row.value.sealed, context: settingContext(row.key), save: (t, v) => t.update(settings).set({ value: { sealed: v } }).where(eq(settings.key, row.key)) });
  }
  for (const row of await tx.select().from(webhooks).for("update")) {
    values.push({ what: `the secret of webhook ${row.id}`, sealed: row.sealedSecret, context: webhookContext(row), save: (t, v) => t.update(webhooks).set({ sealedSecret: v }).where(eq(webhooks.id, row.id)) });
  }
  for (const row of await tx.select().from(oauthProviders).for("update")) {
    if (!row.sealedClientSecret) continue; // deleted providers keep no secret
    values.push({ what: `the client secret of OAuth provider ${row.name}`, sealed: row.sealedClientSecret, context: clientSecretContext(row.id), save: (t, v) => t.update(oauthProviders).set({ sealedClientSecret: v }).where(eq(oauthProviders.id, row.id)) });
  }
  for (const row of await tx.select().from(connections).where(isNotNull(connections.sealedVerifier)).for("update")) {
    values.push({ what: `the PKCE verifier of connection ${row.name}`, sealed: row.sealedVerifier!, context: verifierContext(row.id), save: (t, v) => t.update(connections).set({ sealedVerifier: v }).where(eq(connections.id, row.id)) });
  }
  for (const row of await tx.select().from(storageOrganizations).for("update")) {
    values.push({ what: `the account key of storage organization ${row.name}`, sealed: row.sealedAccountKey, context: accountKeyContext(row.id), save: (t, v) => t.update(storageOrganizations).set({ sealedAccountKey: v }).where(eq(storageOrganizations.id, row.id)) });
  }
  for (const row of await tx.select().from(tasks).where(and(eq(tasks.kind, TASK.putParameter), sql`${tasks.payload} ? 'sealedValue'`)).for("update")) {
    const payload = row.payload as PutParameterPayload;
    values.push({
      what: `the value of parameter ${payload.parameterName}, waiting in task ${row.id}`,
      sealed: payload.sealedValue!,
      context: parameterSealContext(row.targetId, payload.key, payload.writtenAt),
      save: (t, v) => t.update(tasks).set({ payload: { ...payload, sealedValue: v } }).where(eq(tasks.id, row.id)),
    });
  }
  return values;
}

/** Sealed columns (sealed_* and wrapped_*) holding values this module cannot re-seal: rotating would lose them. */
async function unknownSealedColumns(tx: Tx): Promise<string[]> {
  const { rows } = await tx.execute<{ table_name: string; column_name: string }>(
    sql`select table_name, column_name from information_schema.columns where table_schema = current_schema() and (column_name like 'sealed\\_%' or column_name like 'wrapped\\_%')`,
  );
  const unknown: string[] = [];
  for (const { table_name: table, column_name: column } of rows) {
    if (KNOWN_COLUMNS.has(`${table}.${column}`)) continue;
    const { rows: used } = await tx.execute(sql`select 1 from ${sql.identifier(table)} where ${sql.identifier(column)} is not null and ${sql.identifier(column)} <> '' limit 1`);
    if (used.length > 0) unknown.push(`${table}.${column}`);
  }
  return unknown;
}

/** Re-seals everything from `from` to `to` in one transaction; how many values. */
export async function resealUnderNewKey(from: Buffer, to: Buffer): Promise<number> {
  const db = await database();
  return db.transaction(async (tx) => {
    const unknown = await unknownSealedColumns(tx);
    if (unknown.length > 0) throw new Error(`Sealed values in ${unknown.join(", ")} cannot be re-sealed by this version; nothing was changed.`);
    const values = await sealedValues(tx);
    for (const value of values) {
      let resealed: string;
      try {
        resealed = reseal(value.sealed, value.context, from, to);
      } catch (error) {
        if (error instanceof SealedValueError) throw new Error(`${value.what} does not open with the current master key (it was changed, or sealed under another key); nothing was changed.`);
        throw error;
      }
      await value.save(tx, resealed);
    }
    return values.length;
  });
}

const encoded = (key: Buffer) => `${key.toString("base64")}\n`;

/**
 * `sluice secrets rotate-master-key`. With SLUICE_MASTER_KEY set, the new key comes from
 * SLUICE_NEW_MASTER_KEY (set it as SLUICE_MASTER_KEY everywhere afterwards). Otherwise a new key is
 * generated into the key file: written beside it first, moved into place once the database holds the
 * re-sealed values, so that one of the two files always opens them.
 */
export async function rotateMasterKey(env: Environment = process.env): Promise<{ resealed: number; keyFile?: string; next: string }> {
  const current = masterKey();
  if (env.SLUICE_MASTER_KEY) {
    if (!env.SLUICE_NEW_MASTER_KEY) throw new Error("SLUICE_MASTER_KEY is set: give the new key as SLUICE_NEW_MASTER_KEY (e.g. `openssl rand -base64 32`).");
    const next = loadMasterKey({ SLUICE_MASTER_KEY: env.SLUICE_NEW_MASTER_KEY });
    if (next.equals(current)) throw new Error("SLUICE_NEW_MASTER_KEY is the current master key.");
    const resealed = await resealUnderNewKey(current, next);
    return { resealed, next: "Set SLUICE_MASTER_KEY to the value of SLUICE_NEW_MASTER_KEY on every machine, then start Sluice." };
  }
  const file = masterKeyFile(env);
  const staged = `${file}.new`;
  const next = randomBytes(32);
  rmSync(staged, { force: true });
  writeFileSync(staged, encoded(next), { mode: 0o600, flag: "wx" });
  let resealed: number;
  try {
    resealed = await resealUnderNewKey(current, next);
  } catch (error) {
    rmSync(staged, { force: true });
    throw error;
  }
  renameSync(staged, file);
  return { resealed, keyFile: file, next: "Start Sluice again; every process reads the new key file." };
}

