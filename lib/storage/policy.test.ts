import { afterEach, describe, expect, it } from "vitest";
import { LOADING_ZONE } from "@/lib/access/actions";
import { allowedSpaceActions, can, storageOrgVisible, type SpaceGuard } from "@/lib/access/policy";
import { ALL_SCOPES_MARKER, type Principal } from "@/lib/auth/principal";
import { SAS_KIND_RULES } from "./sas";
import { SAS_KINDS, type Confidentiality, type SasKind } from "./schema";
import { ORG_CONFIDENTIALITIES, ORG_ROLES, SEED_EXAMPLES, SPACE_ROLES_TRIED, expectedByTheSeed, rolesFor } from "./testing/truth-table";

/**
 * The seed's storage rules at unit level: `can()` for every SAS kind against every combination of
 * organization role, space role and confidentiality, the seed's security examples by name, the
 * loading-zone rule and the admin bypass. The expected answers come from truth-table.ts, which
 * spells the seed's prose out independently of the policy's code.
 */
const TENANT = "00000000-0000-4000-8000-000000000001";

const principal = (roles: string[], scopes = [ALL_SCOPES_MARKER]): Principal => ({
  kind: "client",
  id: "c",
  subject: "c",
  name: "c",
  tenantId: TENANT,
  tenantSlug: "t",
  roles,
  groups: [],
  scopes,
});

function guard(orgConfidentiality: Confidentiality, space: string, spaceConfidentiality: Confidentiality, orgSpaces = ["space1", "space2", LOADING_ZONE]): SpaceGuard {
  return { tenantId: TENANT, org: { name: "orga1", confidentiality: orgConfidentiality }, space: { name: space, confidentiality: spaceConfidentiality, workspace: null }, orgSpaces };
}

const allows = (roles: string[], g: SpaceGuard, kind: SasKind) => can(principal(roles), SAS_KIND_RULES[kind].action, g);

afterEach(() => {
  delete process.env.SLUICE_STORAGE_ADMIN_ROLE;
});

describe("the seed's security examples", () => {
  it.each(SEED_EXAMPLES)("$what: $roles → $allowed", ({ roles, org, space, kind, allowed }) => {
    expect(allows(roles, guard(org, "space1", space), kind)).toBe(allowed);
  });
});

describe("every combination of roles and confidentiality", () => {
  const rows = ORG_CONFIDENTIALITIES.flatMap((org) =>
    ORG_CONFIDENTIALITIES.flatMap((space) => ORG_ROLES.flatMap((orgRole) => SPACE_ROLES_TRIED.flatMap((spaceRole) => SAS_KINDS.map((kind) => ({ org, space, orgRole, spaceRole, kind }))))),
  );

  it(`answers each of the ${rows.length} as the seed says`, () => {
    const wrong = rows.filter((row) => allows(rolesFor(row.orgRole, row.spaceRole, "space1"), guard(row.org, "space1", row.space), row.kind) !== expectedByTheSeed(row));
    expect(wrong).toEqual([]);
  });

  it("internal and private organizations ignore org_all_public; public ones let it see them", () => {
    for (const confidentiality of ORG_CONFIDENTIALITIES) {
      const visible = storageOrgVisible(principal(["org_all_public"]), { tenantId: TENANT, org: { name: "orga1", confidentiality } });
      expect(visible, confidentiality).toBe(confidentiality === "public");
    }
  });

  it("spc_all_public never uploads or deletes, not even in a public space of a public organization", () => {
    const g = guard("public", "space1", "public");
    expect(allowedSpaceActions(principal(["org_all_public", "spc_all_public"]), g)).toEqual(["space.read"]);
    expect(allowedSpaceActions(principal(["org_orga1_access", "spc_all_public"]), guard("private", "space1", "public"))).toEqual(["space.read"]);
    expect(allowedSpaceActions(principal(["org_orga1_access", "spc_all_public"]), guard("private", "space1", "internal"))).toEqual([]);
  });
});

describe("the loading zone", () => {
  const zone = guard("private", LOADING_ZONE, "private");
  const inZone = (roles: string[]) => SAS_KINDS.filter((kind) => allows(roles, zone, kind));

  it("is open (read, upload, delete) to whoever may upload to some space of the organization: suppliers delete there", () => {
    expect(inZone(["org_orga1_access", "spc_space2_supplier"])).toEqual(["read", "upload", "upload-main", "delete"]);
    expect(inZone(["org_orga1_access", "spc_space1_trustee"])).toEqual(["read", "upload", "upload-main", "delete"]);
  });

  it("is closed to readers, to spc_all_public, to roles of spaces of other organizations, and without the organization", () => {
    expect(inZone(["org_orga1_access", "spc_space1_user"])).toEqual([]);
    expect(inZone(["org_orga1_access", "spc_all_public"])).toEqual([]);
    expect(inZone(["org_orga1_access", "spc_elsewhere_supplier"])).toEqual([]);
    expect(inZone(["spc_space1_supplier"])).toEqual([]);
  });

  it("while suppliers may not delete in their own space", () => {
    const roles = ["org_orga1_access", "spc_space1_supplier"];
    expect(allows(roles, guard("private", "space1", "private"), "delete")).toBe(false);
    expect(allows(roles, zone, "delete")).toBe(true);
  });
});

describe("administration", () => {
  it("SDK_ADMIN passes every check, with no other role", () => {
    for (const space of ["space1", LOADING_ZONE]) {
      expect(allowedSpaceActions(principal(["SDK_ADMIN"]), guard("private", space, "private"))).toEqual(["space.read", "space.upload", "space.upload_main", "space.delete_blobs", "space.manage"]);
    }
    expect(can(principal(["SDK_ADMIN"]), "storage_org.create", { tenantId: TENANT })).toBe(true);
  });

  it("the storage-admin role is configurable (SLUICE_STORAGE_ADMIN_ROLE)", () => {
    process.env.SLUICE_STORAGE_ADMIN_ROLE = "storage-root";
    expect(can(principal(["SDK_ADMIN"]), "space.read", guard("private", "space1", "private"))).toBe(false);
    expect(can(principal(["storage-root"]), "space.delete_blobs", guard("private", "space1", "private"))).toBe(true);
  });

  it("org_<org>_admin edits the organization and manages its spaces, but reads no data by that role", () => {
    const admin = principal(["org_orga1_admin"]);
    expect(can(admin, "storage_org.update", { tenantId: TENANT, org: { name: "orga1", confidentiality: "private" } })).toBe(true);
    expect(can(admin, "storage_org.create", { tenantId: TENANT })).toBe(false);
    expect(allowedSpaceActions(admin, guard("private", "space1", "private"))).toEqual(["space.manage"]);
  });

  it("a space's workspace admins manage it; its other members do not", () => {
    const ws = { tenantId: TENANT, accessRules: [["analysts"]], hidden: false };
    const g: SpaceGuard = { ...guard("private", "space1", "private"), space: { name: "space1", confidentiality: "private", workspace: ws } };
    expect(can(principal(["org_orga1_access", "analysts-admin"]), "space.manage", g)).toBe(true);
    expect(can(principal(["org_orga1_access", "analysts"]), "space.manage", g)).toBe(false);
  });

  it("a token needs storage:write for upload, upload-main and delete, storage:read for read", () => {
    const roles = ["org_orga1_access", "spc_space1_trustee"];
    const g = guard("private", "space1", "private");
    const byScope = (scope: string) => SAS_KINDS.filter((kind) => can(principal(roles, [scope]), SAS_KIND_RULES[kind].action, g));
    expect(byScope("storage:read")).toEqual(["read"]);
    expect(byScope("storage:write")).toEqual(["upload", "upload-main", "delete"]);
  });
});
