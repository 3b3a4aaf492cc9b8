import type { Database } from "@/db/client";
import type { Environment } from "@/lib/data-dir";
import { awsSecretStore } from "./aws-store";
import { embeddedSecretStore } from "./embedded-store";
import { SECRET_STORES, type SecretStoreKind } from "./schema";

/**
 * Where secret values live. The database always keeps a secret's name, description and versions;
 * a store keeps the values: `embedded` sealed in the database itself, `aws` in AWS Secrets Manager.
 * SLUICE_SECRET_STORE picks the store of new secrets; every secret keeps the store it was written to.
 */
export type Executor = Pick<Database, "select" | "insert">;
/** The caller's transaction: a store may queue tasks in it. */
export type Tx = Pick<Database, "select" | "insert" | "update" | "execute">;

/** One version of one secret. */
export type SecretVersionRef = { secretId: string; tenantId: string; workspaceId: string; appId: string | null; name: string; version: number };
/** Who writes a version, and the secret's tenant. */
export type Writer = { tenantSlug: string; by: string };

/** What the database keeps of a version when it is written: sealed with the data key (embedded), or sealed with the master key until a task writes it (aws). */
export type SealedVersion = { ciphertext: string | null; sealedPendingValue: string | null };
/** What the database keeps of a stored version, and where the secret is in its store. */
export type StoredValue = SealedVersion & { externalRef: string | null; externalVersionId: string | null };

export interface SecretStore {
  /** Takes `value` as the version `ref`, in the caller's transaction. */
  put(tx: Tx, ref: SecretVersionRef, value: string, writer: Writer): Promise<SealedVersion>;
  /** The value of a version, or an error: never a value that did not open whole. */
  get(db: Executor, ref: SecretVersionRef, stored: StoredValue): Promise<string>;
  /** Deletes every version (the service erases what the database keeps of them itself). */
  remove(tx: Tx, ref: SecretVersionRef, by: string): Promise<void>;
}

const STORES: Record<SecretStoreKind, SecretStore> = { embedded: embeddedSecretStore, aws: awsSecretStore };

export function secretStore(kind: SecretStoreKind): SecretStore {
  return STORES[kind];
}

/** The store new secrets are written to. */
export function configuredStoreKind(env: Environment = process.env): SecretStoreKind {
  const kind = env.SLUICE_SECRET_STORE || "embedded";
  if (!(SECRET_STORES as readonly string[]).includes(kind)) throw new Error(`SLUICE_SECRET_STORE must be one of ${SECRET_STORES.join(", ")}, not "${kind}".`);
  return kind as SecretStoreKind;
}
