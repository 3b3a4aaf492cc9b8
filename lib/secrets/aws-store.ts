import { randomUUID } from "node:crypto";
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  RestoreSecretCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { awsClient } from "@/lib/cloud/aws/clients";
import type { Environment } from "@/lib/data-dir";
import { AppError } from "@/lib/errors";
import type { PutTarget, SecretStore, SecretVersionRef } from "./store";

/**
 * The AWS Secrets Manager store. A secret is `<prefix>/<tenant>/<workspace id>/<name>` (an app's:
 * `…/<workspace id>/apps/<app id>/<name>`), tagged with its tenant and workspace; each version of ours
 * is one of its versions, found again by VersionId (our ClientRequestToken, so a retried write is the
 * same version). Deleting schedules the deletion after a recovery window. The account is the role the
 * roles map gives for APP (app secrets) or WORKSPACE (workspace secrets) and AWSSECRETMANAGER.
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

const client = (ref: Pick<SecretVersionRef, "appId">) =>
  awsClient(SecretsManagerClient, { category: ref.appId ? "APP" : "WORKSPACE", service: "AWSSECRETMANAGER" });

type AwsError = Error & { $metadata?: { httpStatusCode?: number } };

/** A refusal or failure of Secrets Manager, as the caller sees it (the SDK already retried throttling). */
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

export const awsSecretStore: SecretStore = {
  put: (_db, ref, value, target: PutTarget) =>
    guarded(async () => {
      const sm = client(ref);
      const token = randomUUID();
      const written = target.externalRef ? await putVersion(sm, target.externalRef, value, token) : await create(sm, ref, target.tenantSlug, value, token);
      return { ciphertext: null, externalRef: written.externalRef, externalVersionId: written.versionId };
    }),
  get: (_db, ref, stored) =>
    guarded(async () => {
      if (!stored.externalRef || !stored.externalVersionId) throw new Error(`Version ${ref.version} of the secret ${ref.name} is not in AWS Secrets Manager.`);
      const got = await client(ref).send(new GetSecretValueCommand({ SecretId: stored.externalRef, VersionId: stored.externalVersionId }));
      if (got.SecretString === undefined) throw new Error(`Version ${ref.version} of the secret ${ref.name} holds no text.`);
      return got.SecretString;
    }),
  remove: (ref, externalRef) =>
    guarded(async () => {
      if (!externalRef) return;
      await client(ref).send(new DeleteSecretCommand({ SecretId: externalRef, RecoveryWindowInDays: recoveryWindowDays() }));
    }),
};
