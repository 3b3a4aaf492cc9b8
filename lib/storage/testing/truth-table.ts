import { CONFIDENTIALITIES } from "@/db/schema";
import type { Confidentiality, SasKind } from "../schema";

/**
 * The seed's storage rules written out as its README states them, for the truth-table tests (unit,
 * API and AccessManager paths). Deliberately not built from lib/access: this is the second opinion.
 */
export const ORG_CONFIDENTIALITIES = CONFIDENTIALITIES;
export const ORG_ROLES = ["none", "access", "all_public", "admin"] as const;
export const SPACE_ROLES_TRIED = ["none", "user", "supplier", "trustee", "all_public"] as const;
export type OrgRoleTried = (typeof ORG_ROLES)[number];
export type SpaceRoleTried = (typeof SPACE_ROLES_TRIED)[number];

export function rolesFor(orgRole: OrgRoleTried, spaceRole: SpaceRoleTried, space: string, org = "orga1"): string[] {
  const orgRoles = { none: [], access: [`org_${org}_access`], all_public: ["org_all_public"], admin: [`org_${org}_admin`] }[orgRole];
  const spaceRoles = { none: [], user: [`spc_${space}_user`], supplier: [`spc_${space}_supplier`], trustee: [`spc_${space}_trustee`], all_public: ["spc_all_public"] }[spaceRole];
  return [...orgRoles, ...spaceRoles];
}

/**
 * "To access storage-instances … one must have org_<organization>_access, in case of public
 * organizations org_all_public should be enough" (its admin, who edits it, sees it too); then: user
 * lists and reads, supplier also uploads, trustee also deletes (and uploads to the main storage);
 * `<XX>_all_public` reads public spaces and is never enough to upload or delete.
 */
export function expectedByTheSeed(row: { org: Confidentiality; space: Confidentiality; orgRole: OrgRoleTried; spaceRole: SpaceRoleTried; kind: SasKind }): boolean {
  const seesOrganization = row.orgRole === "access" || row.orgRole === "admin" || (row.orgRole === "all_public" && row.org === "public");
  if (!seesOrganization) return false;
  const rights: Record<SpaceRoleTried, SasKind[]> = {
    none: [],
    user: ["read"],
    supplier: ["read", "upload"],
    trustee: ["read", "upload", "upload-main", "delete"],
    all_public: row.space === "public" ? ["read"] : [],
  };
  return rights[row.spaceRole].includes(row.kind);
}

type Example = { what: string; roles: string[]; org: Confidentiality; space: Confidentiality; kind: SasKind; allowed: boolean };

/** The README's "Security-Examples", each as written, and the combinations it says are not enough. */
export const SEED_EXAMPLES: Example[] = [
  ...(["private", "internal"] as const).flatMap((c): Example[] => [
    { what: `store into a ${c} space`, roles: ["org_orga1_access", "spc_space1_supplier"], org: c, space: c, kind: "upload", allowed: true },
    { what: `store into a ${c} space`, roles: ["org_orga1_access", "spc_space1_trustee"], org: c, space: c, kind: "upload", allowed: true },
    { what: `store into a ${c} space`, roles: ["org_orga1_access", "spc_space1_user"], org: c, space: c, kind: "upload", allowed: false },
    { what: `store into a ${c} space`, roles: ["org_all_public", "spc_space1_supplier"], org: c, space: c, kind: "upload", allowed: false },
    { what: `store into a ${c} space`, roles: ["spc_space1_supplier"], org: c, space: c, kind: "upload", allowed: false },
  ]),
  ...(["spc_space1_user", "spc_space1_supplier", "spc_space1_trustee", "spc_all_public"] as const).flatMap((spaceRole): Example[] => [
    { what: "read from a public space", roles: ["org_orga1_access", spaceRole], org: "public", space: "public", kind: "read", allowed: true },
    { what: "read from a public space", roles: ["org_all_public", spaceRole], org: "public", space: "public", kind: "read", allowed: true },
    { what: "read from a public space of an internal organization", roles: ["org_all_public", spaceRole], org: "internal", space: "public", kind: "read", allowed: false },
  ]),
  { what: "upload to a public space", roles: ["org_orga1_access", "spc_all_public"], org: "public", space: "public", kind: "upload", allowed: false },
  { what: "upload to a public space", roles: ["org_all_public", "spc_all_public"], org: "public", space: "public", kind: "upload", allowed: false },
  { what: "delete from a public space", roles: ["org_orga1_access", "spc_all_public"], org: "public", space: "public", kind: "delete", allowed: false },
  { what: "upload to a public space", roles: ["org_orga1_access", "spc_space1_supplier"], org: "public", space: "public", kind: "upload", allowed: true },
  { what: "delete from a public space", roles: ["org_orga1_access", "spc_space1_supplier"], org: "public", space: "public", kind: "delete", allowed: false },
  { what: "upload to a public space", roles: ["org_orga1_access", "spc_space1_trustee"], org: "public", space: "public", kind: "upload", allowed: true },
  { what: "delete from a public space", roles: ["org_orga1_access", "spc_space1_trustee"], org: "public", space: "public", kind: "delete", allowed: true },
  { what: "upload to the main space (only with delete rights)", roles: ["org_orga1_access", "spc_space1_supplier"], org: "private", space: "private", kind: "upload-main", allowed: false },
  { what: "upload to the main space (only with delete rights)", roles: ["org_orga1_access", "spc_space1_trustee"], org: "private", space: "private", kind: "upload-main", allowed: true },
];
