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

/** One version of one secret. */
export type SecretVersionRef = { workspaceId: string; appId: string | null; name: string; version: number };
/** Where a write goes: the secret's tenant, and where its earlier versions are (null for a new secret). */
export type PutTarget = { tenantSlug: string; externalRef: string | null };

/** What the database keeps of a stored version: the sealed value (embedded), or where the value is (aws). */
export type StoredValue = { ciphertext: string | null; externalRef: string | null; externalVersionId: string | null };

export interface SecretStore {
  /** Stores `value` as the version `ref`. */
  put(db: Executor, ref: SecretVersionRef, value: string, target: PutTarget): Promise<StoredValue>;
  /** The value of a version, or an error: never a value that did not open whole. */
  get(db: Executor, ref: SecretVersionRef, stored: StoredValue): Promise<string>;
  /** Deletes every version (the service forgets the embedded store's ciphertexts itself). */
  remove(ref: SecretVersionRef, externalRef: string | null): Promise<void>;
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
