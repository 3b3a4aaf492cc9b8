import type { storageOrganizations, storageSpaces } from "@/db/schema";
import type { Action } from "@/lib/access/actions";
import { authorize, storageOrgVisible, type SpaceGuard, type StorageOrgGuard, type WorkspaceGuard } from "@/lib/access/policy";
import type { Principal } from "@/lib/auth/principal";
import { notFound } from "@/lib/errors";
import { storageQueries } from "./queries";

export type OrganizationRow = typeof storageOrganizations.$inferSelect;
export type SpaceRow = typeof storageSpaces.$inferSelect;
export type GuardedSpace = { org: OrganizationRow; space: SpaceRow; guard: SpaceGuard };

export const orgGuard = (org: OrganizationRow): StorageOrgGuard => ({ tenantId: org.tenantId, org: { name: org.name, confidentiality: org.confidentiality } });

/** A live organization of the caller's tenant by name; 404 when there is none. */
export async function loadOrganization(p: Principal, name: string): Promise<OrganizationRow> {
  const [org] = await (await storageQueries()).organization.execute({ tenantId: p.tenantId, name });
  if (!org) throw notFound("organization");
  return org;
}

/** An organization the caller may do `action` on (404 when it may not see it). */
export async function enterOrganization(p: Principal, name: string, action: Action): Promise<OrganizationRow> {
  const org = await loadOrganization(p, name);
  authorize(p, action, { ...orgGuard(org), id: org.id }, "organization");
  return org;
}

/** Every live space of the organization with its owning workspace as the caller stands there. */
export async function organizationSpaces(p: Principal, org: OrganizationRow): Promise<GuardedSpace[]> {
  const rows = await (await storageQueries()).spaces.execute({ organizationId: org.id, kind: p.kind, principalId: p.id });
  const orgSpaces = rows.map((row) => row.space.name);
  return rows.map(({ space, ws, memberRole }) => {
    const workspace: WorkspaceGuard | null = ws ? { tenantId: ws.tenantId, accessRules: ws.accessRules, hidden: ws.hidden, memberRole: memberRole ?? null } : null;
    return { org, space, guard: { ...orgGuard(org), space: { name: space.name, confidentiality: space.confidentiality, workspace }, orgSpaces } };
  });
}

/**
 * A space of a live organization by names, where the caller may do `action`. What it may not see is a
 * 404 that tells nothing more: "organization" for one it does not see (whether or not the space
 * exists), "space" for a space it has no role in or that does not exist.
 */
export async function enterSpace(p: Principal, orgName: string, spaceName: string, action: Action): Promise<GuardedSpace> {
  const org = await loadOrganization(p, orgName);
  const visible = storageOrgVisible(p, orgGuard(org));
  const found = visible ? (await organizationSpaces(p, org)).find((s) => s.space.name === spaceName) : undefined;
  if (!found) {
    const absent: SpaceGuard = { ...orgGuard(org), space: { name: spaceName, confidentiality: "private", workspace: null }, orgSpaces: [] };
    authorize(p, action, { ...absent, id: org.id }, visible ? "space" : "organization");
    throw notFound("space");
  }
  authorize(p, action, { ...found.guard, id: found.space.id }, "space");
  return found;
}
