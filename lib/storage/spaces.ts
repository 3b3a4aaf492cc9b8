import type { ContainerListBlobHierarchySegmentResponse } from "@azure/storage-blob";
import { and, eq, isNull, sql } from "drizzle-orm";
import type { z } from "zod";
import { database } from "@/db/client";
import { storageSpaces } from "@/db/schema";
import { LOADING_ZONE } from "@/lib/access/actions";
import { allowedSpaceActions, workspaceVisible } from "@/lib/access/policy";
import { recordAudit } from "@/lib/audit/service";
import { describePrincipal, type Principal } from "@/lib/auth/principal";
import { AppError, conflict, invalid } from "@/lib/errors";
import { decodeCursor, encodeCursor, invalidCursor } from "@/lib/http/cursor";
import { parseInput } from "@/lib/validation";
import { loadWorkspace } from "@/lib/workspaces/guard";
import { accountOf, blobService, callStorage, containerUrl, prepareContainer } from "./account";
import { enterOrganization, enterSpace, organizationSpaces, type GuardedSpace } from "./guard";
import { blobsQuery, createSpaceBody, organizationParams, spaceParams, updateSpaceBody, type BlobList, type Space } from "./schema";

const BLOB_PAGE = 500;

export function presentSpace(p: Principal, { org, space, guard }: GuardedSpace): Space {
  return {
    id: space.id,
    organization: org.name,
    name: space.name,
    description: space.description,
    confidentiality: space.confidentiality,
    workspaceId: space.workspaceId,
    loadingZone: space.name === LOADING_ZONE,
    containerUrl: containerUrl(org, space.name),
    actions: allowedSpaceActions(p, guard),
    createdBy: space.createdBy,
    createdAt: space.createdAt.toISOString(),
    updatedAt: space.updatedAt.toISOString(),
  };
}

const snapshot = (space: GuardedSpace["space"]) => ({ name: space.name, description: space.description, confidentiality: space.confidentiality, workspaceId: space.workspaceId });

/** A workspace named in a body: one of the tenant the caller sees, not archived; else a 400 on workspaceId. */
async function owningWorkspace(p: Principal, id: string) {
  const ws = await loadWorkspace(p, id).catch((error) => {
    if (error instanceof AppError && error.status === 404) return undefined;
    throw error;
  });
  if (!ws || ws.archivedAt || !workspaceVisible(p, ws)) throw invalid([{ path: "workspaceId", message: "no such active workspace in your tenant" }]);
  return ws;
}

/** The spaces of an organization the caller has a role in (or administers). */
export async function listSpaces(p: Principal, input: z.input<typeof organizationParams>): Promise<{ items: Space[] }> {
  const { org: name } = parseInput(organizationParams, input);
  const org = await enterOrganization(p, name, "storage_org.read");
  const spaces = (await organizationSpaces(p, org)).map((s) => presentSpace(p, s));
  return { items: spaces.filter((s) => s.actions.length > 0) };
}

/** A space the caller has a role in; `space.read` is not needed to see it (a manager may have none). */
export async function getSpace(p: Principal, input: z.input<typeof spaceParams>): Promise<Space> {
  const { org, space } = parseInput(spaceParams, input);
  const found = await enterSpace(p, org, space, "space.read").catch(async (error) => {
    if (!(error instanceof AppError) || error.status !== 403) throw error;
    return enterSpace(p, org, space, "space.manage");
  });
  return presentSpace(p, found);
}

const createInput = createSpaceBody.extend(organizationParams.shape);

/** Creates a space and its container (an existing container of that name is taken over with its data). */
export async function createSpace(p: Principal, input: z.input<typeof createInput>): Promise<Space> {
  const { org: orgName, ...data } = parseInput(createInput, input);
  const org = await enterOrganization(p, orgName, "storage_org.update");
  if (data.name === LOADING_ZONE) throw conflict("name_taken", "Every organization has its loading zone already.", { errors: [{ path: "name", message: "reserved" }] });
  await owningWorkspace(p, data.workspaceId);
  const db = await database();
  const [existing] = await db
    .select({ id: storageSpaces.id })
    .from(storageSpaces)
    .where(and(eq(storageSpaces.organizationId, org.id), eq(storageSpaces.name, data.name), isNull(storageSpaces.deletedAt)));
  if (existing) throw conflict("name_taken", "A space with this name exists already.", { errors: [{ path: "name", message: "already taken" }] });
  await prepareContainer(accountOf(org), data.name, false);
  try {
    await db.transaction(async (tx) => {
      const [created] = await tx
        .insert(storageSpaces)
        .values({ tenantId: p.tenantId, organizationId: org.id, name: data.name, description: data.description ?? "", confidentiality: data.confidentiality, workspaceId: data.workspaceId, createdBy: describePrincipal(p) })
        .returning();
      await recordAudit(tx, p, { action: "space.create", targetType: "storage_space", targetId: created.id, workspaceId: created.workspaceId, after: { organization: org.name, ...snapshot(created) } });
    });
  } catch (error) {
    if ((error as { cause?: { code?: string } }).cause?.code === "23505") throw conflict("name_taken", "A space with this name exists already.", { errors: [{ path: "name", message: "already taken" }] });
    throw error;
  }
  // whoever may create a space manages it (organization and storage admins)
  return presentSpace(p, await enterSpace(p, org.name, data.name, "space.manage"));
}

const updateInput = updateSpaceBody.extend(spaceParams.shape);

export async function updateSpace(p: Principal, input: z.input<typeof updateInput>): Promise<Space> {
  const { org, space, ...change } = parseInput(updateInput, input);
  const found = await enterSpace(p, org, space, "space.manage");
  if (change.workspaceId) await owningWorkspace(p, change.workspaceId);
  const db = await database();
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(storageSpaces)
      .set({ ...change, updatedAt: sql`now()` })
      .where(eq(storageSpaces.id, found.space.id))
      .returning();
    await recordAudit(tx, p, { action: "space.update", targetType: "storage_space", targetId: row.id, workspaceId: row.workspaceId, before: snapshot(found.space), after: snapshot(row) });
  });
  return getSpace(p, { org, space });
}

/** Removes the space from Sluice; its container and data stay in the storage account. */
export async function deleteSpace(p: Principal, input: z.input<typeof spaceParams>): Promise<void> {
  const { org, space } = parseInput(spaceParams, input);
  const found = await enterSpace(p, org, space, "space.manage");
  if (found.space.name === LOADING_ZONE) throw conflict("loading_zone_required", "The loading zone belongs to its organization; delete the organization instead.");
  const db = await database();
  await db.transaction(async (tx) => {
    await tx.update(storageSpaces).set({ deletedAt: sql`now()` }).where(eq(storageSpaces.id, found.space.id));
    await recordAudit(tx, p, { action: "space.delete", targetType: "storage_space", targetId: found.space.id, workspaceId: found.space.workspaceId, before: snapshot(found.space) });
  });
}

const listInput = blobsQuery.extend(spaceParams.shape);

/** One page of the folders and blobs directly under a prefix, listed by Sluice with the account key. */
export async function listBlobs(p: Principal, input: z.input<typeof listInput>): Promise<BlobList> {
  const { org, space, prefix = "", cursor } = parseInput(listInput, input);
  const found = await enterSpace(p, org, space, "space.read");
  const container = blobService(accountOf(found.org)).getContainerClient(found.space.name);
  const marker = cursor ? decodeCursor(cursor) : undefined;
  const page = await callStorage(async (): Promise<ContainerListBlobHierarchySegmentResponse | undefined> => {
    const pages = container.listBlobsByHierarchy("/", { prefix }).byPage({ maxPageSize: BLOB_PAGE, continuationToken: marker });
    return (await pages.next()).value;
  }).catch((error) => {
    if (cursor && error instanceof AppError && error.details.upstreamStatus === 400) throw invalidCursor();
    throw error;
  });
  const segment = page?.segment;
  return {
    prefix,
    folders: (segment?.blobPrefixes ?? []).map((folder) => folder.name),
    blobs: (segment?.blobItems ?? []).map((blob) => ({
      name: blob.name,
      size: blob.properties.contentLength ?? 0,
      lastModified: blob.properties.lastModified.toISOString(),
      contentType: blob.properties.contentType ?? null,
    })),
    nextCursor: page?.continuationToken ? encodeCursor(page.continuationToken) : null,
  };
}
