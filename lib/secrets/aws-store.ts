import { createHash } from "node:crypto";
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  RestoreSecretCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { awsClient } from "@/lib/cloud/aws/clients";
import type { AwsRoleTarget } from "@/lib/cloud/aws/roles-map";
import { open, seal, type SealContext } from "@/lib/crypto/envelope";
import type { Environment } from "@/lib/data-dir";
import { AppError } from "@/lib/errors";
import { enqueueTask } from "@/lib/tasks/enqueue";
import { SECRET_TASK } from "./task-kinds";
import type { SecretStore, SecretVersionRef } from "./store";

/**
 * The AWS Secrets Manager store. A secret is `<prefix>/<tenant>/<workspace id>/<name>` (an app's:
 * `…/<workspace id>/apps/<app id>/<name>`), tagged with its tenant and workspace; each version of ours
 * is one of its versions, found again by VersionId (our ClientRequestToken, derived from the secret and
 * the version, so a retried write is the same version). The account is the role the roles map gives for
 * APP (app secrets) or WORKSPACE (workspace secrets) and AWSSECRETMANAGER.
 *
 * Writes and deletions are tasks (lib/secrets/tasks.ts), never calls inside the request. Until its task
 * has written it, a version is kept in the database sealed with the master key, bound to the secret and
 * the version, and reads open that copy. Deleting schedules the deletion after a recovery window.
 */
const DEFAULT_PREFIX = "sluice";
const DEFAULT_RECOVERY_DAYS = 30;

export function awsSecretsPrefix(env: Environment = process.env): string {
  const prefix = env.SLUICE_AWS_SECRETS_PREFIX ?? DEFAULT_PREFIX;
  if (!/^[A-Za-z0-9_+=.@-]+(\/[A-Za-z0-9_+=.@-]+)*$/.test(prefix) || prefix.length > 128) {
    throw new Error(`SLUICE_AWS_SECRETS_PREFIX must be path segments of letters, digits and _+=.@- joined by '/', not "${prefix}".`);
  }
  return prefix;
}

export function recoveryWindowDays(env: Environment = process.env): number {
  const days = Number(env.SLUICE_AWS_SECRETS_RECOVERY_DAYS ?? DEFAULT_RECOVERY_DAYS);
  if (!Number.isInteger(days) || days < 7 || days > 30) throw new Error("SLUICE_AWS_SECRETS_RECOVERY_DAYS must be a whole number of days from 7 to 30 (Secrets Manager's range).");
  return days;
}

export function awsSecretName(ref: Pick<SecretVersionRef, "workspaceId" | "appId" | "name">, tenantSlug: string): string {
  return [awsSecretsPrefix(), tenantSlug, ref.workspaceId, ...(ref.appId ? ["apps", ref.appId] : []), ref.name].join("/");
}

export type WriteSecretPayload = { version: number; tenantSlug: string };

export const pendingValueContext = (secretId: string, version: number): SealContext => ({ purpose: "secret-pending-value", owner: secretId, version });

/** The same token for every attempt to write one version: Secrets Manager makes a retried write no second version. */
export function clientRequestToken(secretId: string, version: number): string {
  const hex = createHash("sha256").update(`${secretId}/${version}`).digest("hex");
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20, 32)].join("-");
}

export const awsSecretsTarget = (ref: Pick<SecretVersionRef, "appId">): AwsRoleTarget => ({ category: ref.appId ? "APP" : "WORKSPACE", service: "AWSSECRETMANAGER" });

type AwsError = Error & { $metadata?: { httpStatusCode?: number } };

/** A refusal or failure of Secrets Manager, as the reader sees it (the SDK already retried throttling). */
function storeFailure(error: unknown): AppError {
  const { name, message } = error as AwsError;
  return new AppError(502, "secret_store_failed", `AWS Secrets Manager: ${name}: ${message}`, { provider: "aws", providerError: name });
}

async function guarded<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw error instanceof AppError ? error : storeFailure(error);
  }
}

/** Creates the secret; a name left behind by an earlier attempt, or scheduled for deletion, is taken over. */
async function create(sm: SecretsManagerClient, ref: SecretVersionRef, tenantSlug: string, value: string, token: string) {
  const name = awsSecretName(ref, tenantSlug);
  const tags = [
    { Key: "sluice:tenant", Value: tenantSlug },
    { Key: "sluice:workspace", Value: ref.workspaceId },
    ...(ref.appId ? [{ Key: "sluice:app", Value: ref.appId }] : []),
  ];
  try {
    const created = await sm.send(new CreateSecretCommand({ Name: name, SecretString: value, ClientRequestToken: token, Tags: tags }));
    return { externalRef: created.ARN ?? name, versionId: created.VersionId ?? token };
  } catch (error) {
    const { name: code, message } = error as AwsError;
    if (code === "InvalidRequestException" && /scheduled for deletion/i.test(message)) await sm.send(new RestoreSecretCommand({ SecretId: name }));
    else if (code !== "ResourceExistsException") throw error;
    return putVersion(sm, name, value, token);
  }
}

async function putVersion(sm: SecretsManagerClient, secretId: string, value: string, token: string) {
  const put = await sm.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: value, ClientRequestToken: token }));
  return { externalRef: put.ARN ?? secretId, versionId: put.VersionId ?? token };
}

/** Writes the version `ref` (for the write task): into the secret at `externalRef`, or creating the secret when it has none yet. */
export function writeToAws(sm: SecretsManagerClient, ref: SecretVersionRef, tenantSlug: string, externalRef: string | null, value: string) {
  const token = clientRequestToken(ref.secretId, ref.version);
  return externalRef ? putVersion(sm, externalRef, value, token) : create(sm, ref, tenantSlug, value, token);
}

/** Schedules the deletion (for the delete task); a secret already scheduled, or gone, is what a retry finds. */
export async function deleteFromAws(sm: SecretsManagerClient, externalRef: string): Promise<void> {
  try {
    await sm.send(new DeleteSecretCommand({ SecretId: externalRef, RecoveryWindowInDays: recoveryWindowDays() }));
  } catch (error) {
    const { name: code, message } = error as AwsError;
    if (code === "ResourceNotFoundException" || (code === "InvalidRequestException" && /marked (for )?delet|scheduled for deletion/i.test(message))) return;
    throw error;
  }
}

export const awsSecretStore: SecretStore = {
  async put(tx, ref, value, { tenantSlug, by }) {
    const payload: WriteSecretPayload = { version: ref.version, tenantSlug };
    await enqueueTask(tx, { tenantId: ref.tenantId, kind: SECRET_TASK.write, targetType: "secret", targetId: ref.secretId, payload, createdBy: by });
    return { ciphertext: null, sealedPendingValue: seal(value, pendingValueContext(ref.secretId, ref.version)) };
  },
  async get(_db, ref, stored) {
    if (stored.sealedPendingValue) return open(stored.sealedPendingValue, pendingValueContext(ref.secretId, ref.version));
    return guarded(async () => {
      if (!stored.externalRef || !stored.externalVersionId) throw new Error(`Version ${ref.version} of the secret ${ref.name} is not in AWS Secrets Manager.`);
      const got = await awsClient(SecretsManagerClient, awsSecretsTarget(ref)).send(new GetSecretValueCommand({ SecretId: stored.externalRef, VersionId: stored.externalVersionId }));
      if (got.SecretString === undefined) throw new Error(`Version ${ref.version} of the secret ${ref.name} holds no text.`);
      return got.SecretString;
    });
  },
  async remove(tx, ref, by) {
    await enqueueTask(tx, { tenantId: ref.tenantId, kind: SECRET_TASK.delete, targetType: "secret", targetId: ref.secretId, createdBy: by });
  },
};
