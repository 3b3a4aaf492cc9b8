import { z } from "zod";
import { CONFIDENTIALITIES } from "@/db/schema";
import { SPACE_ACTIONS } from "@/lib/access/actions";

/**
 * Names of organizations and spaces follow Azure's container names (3–63 lowercase letters, digits and
 * single hyphens), so a space's name is its container's and both fit the seed's role names
 * (`org_<org>_access`, `spc_<space>_user`) without ambiguity. "all" would read like `org_all_public`.
 */
export const storageName = z
  .string()
  .min(3, "at least 3 characters")
  .max(63, "at most 63 characters")
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "lowercase letters, digits and single hyphens, starting and ending with a letter or digit")
  .refine((name) => name !== "all", '"all" is reserved (org_all_public, spc_all_public)');

export const confidentiality = z.enum(CONFIDENTIALITIES);
export type Confidentiality = z.infer<typeof confidentiality>;
const description = z.string().trim().max(500);

const accountName = z.string().regex(/^[a-z0-9]{3,24}$/, "an Azure storage account name: 3–24 lowercase letters and digits");
const accountKey = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9+/]{20,}={0,2}$/, "the account key as Azure shows it (base64)");

/** How Sluice reaches the account: its name and key (and blob endpoint), or a connection string with those. */
export const connectionInput = z.union([
  z.strictObject({
    accountName,
    accountKey,
    blobEndpoint: z.string().max(500).optional().describe("default: the first of SLUICE_STORAGE_BLOB_ENDPOINTS (Azure's public cloud)"),
  }),
  z.strictObject({ connectionString: z.string().min(1).max(2000).describe("AccountName=…;AccountKey=…[;BlobEndpoint=…|;EndpointSuffix=…]") }),
]);
export type ConnectionInput = z.infer<typeof connectionInput>;

export const createOrganizationBody = z.strictObject({ name: storageName, description: description.optional(), confidentiality, connection: connectionInput });
export const updateOrganizationBody = z.strictObject({ description: description.optional(), confidentiality: confidentiality.optional(), connection: connectionInput.optional() });

export const createSpaceBody = z.strictObject({ name: storageName, description: description.optional(), confidentiality, workspaceId: z.uuid() });
export const updateSpaceBody = z.strictObject({ description: description.optional(), confidentiality: confidentiality.optional(), workspaceId: z.uuid().optional() });

export const organizationParams = z.object({ org: z.string().max(63) });
export const spaceParams = organizationParams.extend({ space: z.string().max(63) });

export const organization = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string(),
  confidentiality,
  accountName: z.string(),
  blobEndpoint: z.string(),
  canAdminister: z.boolean().describe("whether the caller may edit it and create spaces in it"),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Organization = z.infer<typeof organization>;

export const space = z.object({
  id: z.uuid(),
  organization: z.string(),
  name: z.string(),
  description: z.string(),
  confidentiality,
  workspaceId: z.uuid().nullable(),
  loadingZone: z.boolean(),
  containerUrl: z.string(),
  actions: z.array(z.enum(SPACE_ACTIONS)).describe("what the caller may do here"),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Space = z.infer<typeof space>;

export const organizationList = z.object({ items: z.array(organization) });
export const spaceList = z.object({ items: z.array(space) });

const blobPath = z.string().max(1024);
export const blobsQuery = z.strictObject({
  prefix: blobPath.optional().describe('a folder ("raw/2024/") or any start of names'),
  cursor: z.string().max(4096).optional(),
});
export const blobList = z.object({
  prefix: z.string(),
  folders: z.array(z.string()).describe("names of the folders directly under the prefix, each ending in /"),
  blobs: z.array(z.object({ name: z.string(), size: z.number(), lastModified: z.string(), contentType: z.string().nullable() })),
  nextCursor: z.string().nullable(),
});
export type BlobList = z.infer<typeof blobList>;

/** The seed's query parameters: organization and space by name. */
export const targetQuery = z.strictObject({ organization: z.string().min(1).max(63), space: z.string().min(1).max(63) });
export const commitQuery = targetQuery.extend({
  rootDir: blobPath.default("none").describe('the folder of the transaction in the loading zone (the seed\'s default: "none")'),
});

export const SAS_KINDS = ["read", "upload", "upload-main", "delete"] as const;
export type SasKind = (typeof SAS_KINDS)[number];

export const sasToken = z.object({
  kind: z.enum(SAS_KINDS),
  url: z.string().describe("the container URL with the SAS as its query"),
  token: z.string().describe("the SAS alone (what the seed's AccessManager answered)"),
  container: z.string().describe("the container it opens: the space, or the loading zone for upload"),
  permissions: z.string().describe("r read, a add, c create, w write, d delete, l list"),
  expiresOn: z.string(),
});
export type SasToken = z.infer<typeof sasToken>;

export const commitFile = z.object({ name: z.string(), size: z.number() });
export const storageCommit = z.object({
  id: z.uuid(),
  organization: z.string(),
  space: z.string(),
  rootDir: z.string(),
  files: z.array(commitFile),
  eventDeliveryId: z.number().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
});
export type StorageCommit = z.infer<typeof storageCommit>;
