import { beforeAll, describe, expect, it } from "vitest";
import { CONFIDENTIALITIES } from "@/db/schema";
import type { Endpoint } from "@/lib/http/endpoint";
import { rawRequest, startApiServer } from "@/lib/testing/api-server";
import { testTenant, testToken } from "@/lib/testing/fixtures";
import { call } from "@/lib/testing/http";
import { createWorkspace } from "@/lib/workspaces/service";
import * as accessManager from "./access-manager";
import * as api from "./endpoints";
import { SAS_KINDS, type Confidentiality, type SasKind } from "./schema";
import { createSpace } from "./spaces";
import { testAzurite, testOrganization } from "./testing/storage";
import { expectedByTheSeed, ORG_ROLES, rolesFor, SPACE_ROLES_TRIED, type OrgRoleTried, type SpaceRoleTried } from "./testing/truth-table";

/**
 * The truth table of roles and SAS kinds through the API: /api/v1/storage/sas/{kind} and the seed
 * AccessManager's /api/v2.0/accessmanager/{kind}, for every organization role and space role on
 * organizations and spaces of every confidentiality. A refusal is a 404 when the caller may not see
 * the organization or has no role in the space (organization admins see every space), else a 403.
 */
const V1: Record<SasKind, Endpoint> = { read: api.readSas, upload: api.uploadSas, "upload-main": api.uploadMainSas, delete: api.deleteSas };
const V2: Record<SasKind, Endpoint> = { read: accessManager.read, upload: accessManager.upload, "upload-main": accessManager.uploadMain, delete: accessManager.remove };
const V2_PATH: Record<SasKind, string> = { read: "read", upload: "upload", "upload-main": "upload/main", delete: "delete" };

const orgName = (c: Confidentiality) => `org${c}`;
const spaceName = (org: Confidentiality, space: Confidentiality) => `${org}-${space}`;
type Row = { org: Confidentiality; space: Confidentiality; orgRole: OrgRoleTried; spaceRole: SpaceRoleTried; kind: SasKind };

/** One caller per pair of roles, holding that pair for every organization and space of the table. */
const callers = new Map<string, string>();
const callerKey = (orgRole: OrgRoleTried, spaceRole: SpaceRoleTried) => `${orgRole}/${spaceRole}`;

function expectedStatus(row: Row) {
  if (expectedByTheSeed(row)) return 200;
  const seesOrganization = row.orgRole === "access" || row.orgRole === "admin" || (row.orgRole === "all_public" && row.org === "public");
  const anyRight = ["user", "supplier", "trustee"].includes(row.spaceRole) || (row.spaceRole === "all_public" && row.space === "public") || row.orgRole === "admin";
  return seesOrganization && anyRight ? 403 : 404;
}

const rows: Row[] = CONFIDENTIALITIES.flatMap((org) =>
  CONFIDENTIALITIES.flatMap((space) => ORG_ROLES.flatMap((orgRole) => SPACE_ROLES_TRIED.flatMap((spaceRole) => SAS_KINDS.map((kind) => ({ org, space, orgRole, spaceRole, kind }))))),
);

beforeAll(async () => {
  const azurite = await testAzurite();
  const { operator } = await testTenant("acl");
  const ws = await createWorkspace(operator, { name: "acl" });
  for (const [i, org] of CONFIDENTIALITIES.entries()) {
    await testOrganization(operator, orgName(org), { account: azurite.accounts[i + 1], confidentiality: org });
    for (const space of CONFIDENTIALITIES) await createSpace(operator, { org: orgName(org), name: spaceName(org, space), confidentiality: space, workspaceId: ws.id });
  }
  for (const orgRole of ORG_ROLES) {
    for (const spaceRole of SPACE_ROLES_TRIED) {
      const roles = CONFIDENTIALITIES.flatMap((org) => CONFIDENTIALITIES.flatMap((space) => rolesFor(orgRole, spaceRole, spaceName(org, space), orgName(org))));
      const { token } = await testToken(operator, ["storage:read", "storage:write"], [...new Set(roles)]);
      callers.set(callerKey(orgRole, spaceRole), token);
    }
  }
}, 120_000);

const query = (row: Row) => ({ organization: orgName(row.org), space: spaceName(row.org, row.space) });
const describeRow = (row: Row) => `${row.kind} in a ${row.space} space of a ${row.org} organization with ${row.orgRole}+${row.spaceRole}`;

describe("the truth table through the API", () => {
  it(`/api/v1/storage/sas/{kind}: ${rows.length} combinations`, async () => {
    const wrong: string[] = [];
    for (const row of rows) {
      const result = await call(V1[row.kind], { token: callers.get(callerKey(row.orgRole, row.spaceRole)), query: query(row) });
      if (result.status !== expectedStatus(row)) wrong.push(`${describeRow(row)}: ${result.status}, expected ${expectedStatus(row)}`);
      else if (result.status === 200 && result.body.kind !== row.kind) wrong.push(`${describeRow(row)}: answered a ${result.body.kind} token`);
    }
    expect(wrong).toEqual([]);
  }, 120_000);

  it(`/api/v2.0/accessmanager/{kind}: the same ${rows.length}, answered as the seed did (the token as text)`, async () => {
    const wrong: string[] = [];
    for (const row of rows) {
      const result = await call(V2[row.kind], { token: callers.get(callerKey(row.orgRole, row.spaceRole)), query: query(row) });
      if (result.status !== expectedStatus(row)) wrong.push(`${describeRow(row)}: ${result.status}, expected ${expectedStatus(row)}`);
      else if (result.status === 200 && !/^sv=.*&sig=/.test(result.text)) wrong.push(`${describeRow(row)}: not a bare SAS: ${result.text.slice(0, 60)}`);
    }
    expect(wrong).toEqual([]);
  }, 120_000);

  it("the AccessManager paths answer on the production server's direct path too, with the same rules", async () => {
    const server = await startApiServer();
    try {
      const send = (kind: SasKind, token: string, row: Pick<Row, "org" | "space">) =>
        rawRequest(server.port, { method: "POST", path: `/api/v2.0/accessmanager/${V2_PATH[kind]}?${new URLSearchParams(query(row as Row))}`, headers: { authorization: `Bearer ${token}` } });
      const trustee = callers.get(callerKey("access", "trustee"))!;
      const reader = callers.get(callerKey("access", "user"))!;
      const mainUpload = await send("upload-main", trustee, { org: "private", space: "private" });
      expect(mainUpload.status).toBe(200);
      expect(mainUpload.headers["content-type"]).toMatch(/^text\/plain/);
      expect(mainUpload.text).toMatch(/sp=racwl/);
      expect((await send("delete", reader, { org: "private", space: "private" })).status).toBe(403);
      const commit = await rawRequest(server.port, { method: "POST", path: "/api/v2.0/accessmanager/commit?organization=orgprivate&space=private-private&rootDir=nothing-here", headers: { authorization: `Bearer ${trustee}` } });
      expect(commit.status).toBe(204);
      expect((await rawRequest(server.port, { method: "POST", path: "/api/v2.0/accessmanager/nothing", headers: { authorization: `Bearer ${trustee}` } })).headers["x-declined"]).toBe("1");
    } finally {
      await server.close();
    }
  });
});
