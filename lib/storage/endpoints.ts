import { endpoint } from "@/lib/http/endpoint";
import { commitUpload } from "./commit";
import * as organizations from "./organizations";
import { issueSas } from "./sas";
import {
  blobList,
  blobsQuery,
  commitQuery,
  createOrganizationBody,
  createSpaceBody,
  organization,
  organizationList,
  organizationParams,
  sasToken,
  space,
  spaceList,
  spaceParams,
  storageCommit,
  targetQuery,
  updateOrganizationBody,
  updateSpaceBody,
  type SasKind,
} from "./schema";
import * as spaces from "./spaces";

const tag = "Storage";
const org = "/storage/organizations/{org}";
const spacePath = `${org}/spaces/{space}`;

export const listOrganizations = endpoint(
  { method: "GET", path: "/storage/organizations", summary: "List the storage organizations you see", tag, scope: "storage:read", response: organizationList },
  (ctx) => organizations.listOrganizations(ctx.principal),
);

export const createOrganization = endpoint(
  {
    method: "POST",
    path: "/storage/organizations",
    summary: "Register a storage account as an organization (creates its loading zone)",
    tag,
    scope: "storage:write",
    body: createOrganizationBody,
    response: organization,
    status: 201,
    errors: [409, 422],
  },
  (ctx) => organizations.createOrganization(ctx.principal, ctx.body),
);

export const getOrganization = endpoint(
  { method: "GET", path: org, summary: "Get a storage organization", tag, scope: "storage:read", params: organizationParams, response: organization },
  (ctx) => organizations.getOrganization(ctx.principal, ctx.params),
);

export const updateOrganization = endpoint(
  { method: "PATCH", path: org, summary: "Change a storage organization (org_<org>_admin)", tag, scope: "storage:write", params: organizationParams, body: updateOrganizationBody, response: organization, errors: [409, 422] },
  (ctx) => organizations.updateOrganization(ctx.principal, { ...ctx.body, ...ctx.params }),
);

export const deleteOrganization = endpoint(
  { method: "DELETE", path: org, summary: "Remove a storage organization from Sluice (its data stays)", tag, scope: "storage:write", params: organizationParams },
  (ctx) => organizations.deleteOrganization(ctx.principal, ctx.params),
);

export const listSpaces = endpoint(
  { method: "GET", path: `${org}/spaces`, summary: "List the spaces of an organization you have a role in", tag, scope: "storage:read", params: organizationParams, response: spaceList },
  (ctx) => spaces.listSpaces(ctx.principal, ctx.params),
);

export const createSpace = endpoint(
  { method: "POST", path: `${org}/spaces`, summary: "Create a space (a container)", tag, scope: "storage:write", params: organizationParams, body: createSpaceBody, response: space, status: 201, errors: [409, 502] },
  (ctx) => spaces.createSpace(ctx.principal, { ...ctx.body, ...ctx.params }),
);

export const getSpace = endpoint(
  { method: "GET", path: spacePath, summary: "Get a space", tag, scope: "storage:read", params: spaceParams, response: space },
  (ctx) => spaces.getSpace(ctx.principal, ctx.params),
);

export const updateSpace = endpoint(
  { method: "PATCH", path: spacePath, summary: "Change a space (its workspace's admins, org_<org>_admin)", tag, scope: "storage:write", params: spaceParams, body: updateSpaceBody, response: space },
  (ctx) => spaces.updateSpace(ctx.principal, { ...ctx.body, ...ctx.params }),
);

export const deleteSpace = endpoint(
  { method: "DELETE", path: spacePath, summary: "Remove a space from Sluice (its container and data stay)", tag, scope: "storage:write", params: spaceParams, errors: [409] },
  (ctx) => spaces.deleteSpace(ctx.principal, ctx.params),
);

export const listBlobs = endpoint(
  { method: "GET", path: `${spacePath}/blobs`, summary: "List folders and blobs under a prefix", tag, scope: "storage:read", params: spaceParams, query: blobsQuery, response: blobList, errors: [502] },
  (ctx) => spaces.listBlobs(ctx.principal, { ...ctx.query, ...ctx.params }),
);

const SAS_SUMMARY: Record<SasKind, string> = {
  read: "A read SAS for a space (list, read)",
  upload: "An upload SAS for a space: the loading zone's container (read, add, create, write, list)",
  "upload-main": "An upload SAS for the space's own container (trustees: read, add, create, write, list)",
  delete: "A delete SAS for a space (read, add, create, write, delete, list)",
};

const sasEndpoint = (kind: SasKind) =>
  endpoint(
    { method: "POST", path: `/storage/sas/${kind}`, summary: SAS_SUMMARY[kind], tag, scope: kind === "read" ? "storage:read" : "storage:write", query: targetQuery, response: sasToken },
    (ctx) => issueSas(ctx.principal, kind, ctx.query),
  );

export const readSas = sasEndpoint("read");
export const uploadSas = sasEndpoint("upload");
export const uploadMainSas = sasEndpoint("upload-main");
export const deleteSas = sasEndpoint("delete");

export const commit = endpoint(
  {
    method: "POST",
    path: "/storage/commit",
    summary: "Commit the files under rootDir in the loading zone: records them and emits storage.commit",
    tag,
    scope: "storage:write",
    query: commitQuery,
    response: storageCommit,
    status: 201,
    errors: [422, 502],
  },
  (ctx) => commitUpload(ctx.principal, ctx.query),
);
