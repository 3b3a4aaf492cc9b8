import { BlobServiceClient, ContainerSASPermissions, generateBlobSASQueryParameters, SASProtocol, StorageSharedKeyCredential, type StoragePipelineOptions } from "@azure/storage-blob";
import type { storageOrganizations } from "@/db/schema";
import { open, seal, type SealContext } from "@/lib/crypto/envelope";
import { AppError, invalid } from "@/lib/errors";
import { blobEndpointTemplates, endpointFor, publicOrigin, storageTimeoutMs } from "./config";
import { connectionInput, type ConnectionInput } from "./schema";

/** A storage account as Sluice reaches it. The key never leaves the server. */
export type AccountConnection = { accountName: string; accountKey: string; blobEndpoint: string };

export const accountKeyContext = (organizationId: string): SealContext => ({ purpose: "storage-account-key", owner: organizationId, version: 1 });
export const sealAccountKey = (organizationId: string, key: string) => seal(key, accountKeyContext(organizationId));

export function accountOf(org: typeof storageOrganizations.$inferSelect): AccountConnection {
  return { accountName: org.accountName, accountKey: open(org.sealedAccountKey, accountKeyContext(org.id)), blobEndpoint: org.blobEndpoint };
}

function connectionStringFields(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const part of text.split(";")) {
    const at = part.indexOf("=");
    if (at > 0) fields[part.slice(0, at).trim().toLowerCase()] = part.slice(at + 1).trim();
  }
  return fields;
}

/** Name, key and endpoint from a connection string (Azure portal's "Connection string"). */
function fromConnectionString(text: string): { accountName: string; accountKey: string; blobEndpoint?: string } {
  const fields = connectionStringFields(text);
  if (!fields.accountkey) {
    const why = fields.sharedaccesssignature ? "a connection string with a SAS cannot sign tokens; give one with the account key" : "AccountName and AccountKey are required";
    throw invalid([{ path: "connection.connectionString", message: why }], "The connection is not valid.");
  }
  const derived = fields.accountname && `${fields.defaultendpointsprotocol || "https"}://${fields.accountname}.blob.${fields.endpointsuffix || "core.windows.net"}`;
  return { accountName: fields.accountname ?? "", accountKey: fields.accountkey, blobEndpoint: fields.blobendpoint || derived };
}

/**
 * The connection an admin gave, checked: a valid name and key, and a blob endpoint that is the
 * account's under one of the allowed endpoint templates (the first one when none is given).
 */
export function parseConnection(input: ConnectionInput): AccountConnection {
  const given = "connectionString" in input ? fromConnectionString(input.connectionString) : input;
  const checked = connectionInput.options[0].safeParse({ accountName: given.accountName, accountKey: given.accountKey });
  if (!checked.success) {
    const field = "connectionString" in input ? "connection.connectionString" : undefined;
    throw invalid(
      checked.error.issues.map((issue) => ({ path: field ?? `connection.${issue.path.join(".")}`, message: `${String(issue.path[0])}: ${issue.message}` })),
      "The connection is not valid.",
    );
  }
  const templates = blobEndpointTemplates();
  const blobEndpoint = (given.blobEndpoint ?? endpointFor(templates[0], given.accountName)).replace(/\/+$/, "");
  if (!templates.some((template) => endpointFor(template, given.accountName) === blobEndpoint)) {
    const path = "connectionString" in input ? "connection.connectionString" : "connection.blobEndpoint";
    throw invalid([{ path, message: `the blob endpoint must be one of ${templates.join(", ")} for this account (SLUICE_STORAGE_BLOB_ENDPOINTS)` }], "The connection is not valid.");
  }
  return { accountName: given.accountName, accountKey: given.accountKey, blobEndpoint };
}

const credential = (account: AccountConnection) => new StorageSharedKeyCredential(account.accountName, account.accountKey);

/** A client of the account's blob service; each call is bounded (SLUICE_STORAGE_TIMEOUT_SECONDS) and tried at most twice. */
export function blobService(account: AccountConnection): BlobServiceClient {
  const options: StoragePipelineOptions = { retryOptions: { maxTries: 2, tryTimeoutInMs: storageTimeoutMs(), retryDelayInMs: 250, maxRetryDelayInMs: 1000 } };
  return new BlobServiceClient(account.blobEndpoint, credential(account), options);
}

export const containerUrl = (account: Pick<AccountConnection, "blobEndpoint">, container: string) => `${account.blobEndpoint}/${container}`;

/** A container SAS (the query string, without "?"), signed locally with the account key. */
export function signContainerSas(account: AccountConnection, container: string, permissions: string, expiresOn: Date): string {
  const protocol = account.blobEndpoint.startsWith("https:") ? SASProtocol.Https : SASProtocol.HttpsAndHttp;
  return generateBlobSASQueryParameters({ containerName: container, permissions: ContainerSASPermissions.parse(permissions), expiresOn, protocol }, credential(account)).toString();
}

type ServiceError = Error & { statusCode?: number; code?: string };

/**
 * Runs a call to the storage service. Its failures are problems: while checking a connection an admin
 * just gave, 422 (the account refused it, or could not be reached); later, 502 (the service failed).
 * Sluice's own problems raised inside pass unchanged.
 */
export async function callStorage<T>(run: () => Promise<T>, checkingConnection = false): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof AppError) throw error;
    const { statusCode, code, message } = error as ServiceError;
    const detail = code ?? String(message ?? error).split("\n")[0];
    if (!checkingConnection) throw new AppError(502, "storage_unavailable", `The storage service failed: ${detail}.`, { upstreamStatus: statusCode ?? null });
    if (statusCode) throw new AppError(422, "storage_refused", `The storage account refused the connection (${statusCode} ${detail}).`);
    throw new AppError(422, "storage_unreachable", `The storage account could not be reached: ${detail}.`);
  }
}

const BROWSER_RULE = { allowedMethods: "GET,HEAD,PUT,DELETE,OPTIONS", allowedHeaders: "*", exposedHeaders: "*", maxAgeInSeconds: 3600 };

/**
 * Lets browsers at Sluice's public origin call the account (uploads and downloads with a SAS): adds a
 * CORS rule for that origin unless one exists, keeping the account's other rules.
 */
export async function allowBrowserOrigin(service: BlobServiceClient) {
  const origin = publicOrigin();
  if (!origin) return;
  const { cors = [] } = await service.getProperties();
  if (cors.some((rule) => rule.allowedOrigins.split(",").some((o) => o.trim() === origin || o.trim() === "*"))) return;
  await service.setProperties({ cors: [...cors, { allowedOrigins: origin, ...BROWSER_RULE }] });
}

/** Checks a new connection by creating what Sluice needs there: the container (kept if it exists) and the CORS rule. */
export async function prepareContainer(account: AccountConnection, container: string, checkingConnection: boolean) {
  const service = blobService(account);
  await callStorage(async () => {
    await service.getContainerClient(container).createIfNotExists();
    if (checkingConnection) await allowBrowserOrigin(service);
  }, checkingConnection);
}
