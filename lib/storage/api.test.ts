import { BlobServiceClient, StorageSharedKeyCredential } from "@azure/storage-blob";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { database } from "@/db/client";
import { storageOrganizations } from "@/db/schema";
import { testTenant, testToken } from "@/lib/testing/fixtures";
import { call, expectFieldErrors, expectProblem } from "@/lib/testing/http";
import { addMember, createWorkspace } from "@/lib/workspaces/service";
import * as api from "./endpoints";
import { testAzurite } from "./testing/storage";
import type { Azurite } from "./testing/azurite.mjs";

/** Organizations and spaces through /api/v1/storage, against Azurite. */
let azurite: Azurite;
let fx: Awaited<ReturnType<typeof fixture>>;

async function fixture() {
  const { tenant, operator } = await testTenant("store");
  const ws = await createWorkspace(operator, { name: "data" });
  const other = await createWorkspace(operator, { name: "other" });
  const token = async (roles: string[]) => {
    const issued = await testToken(operator, ["storage:read", "storage:write"], roles);
    return { ...issued, token: issued.token };
  };
  const spaceAdmin = await token(["org_acme_access"]);
  await addMember(operator, { workspaceId: ws.id, clientId: spaceAdmin.client.clientId, role: "admin" });
  return {
    tenant,
    workspaceId: ws.id,
    otherWorkspaceId: other.id,
    admin: (await token(["SDK_ADMIN"])).token,
    orgAdmin: (await token(["org_acme_admin"])).token,
    access: (await token(["org_acme_access", "spc_raw_user"])).token,
    publicReader: (await token(["org_all_public", "spc_all_public"])).token,
    stranger: (await token([])).token,
    spaceAdmin: spaceAdmin.token,
    readOnly: (await testToken(operator, ["storage:read"], ["SDK_ADMIN"])).token,
  };
}

const connection = (account: string) => ({ accountName: account, accountKey: azurite.key, blobEndpoint: azurite.endpoint(account) });
const containerExists = (account: string, container: string) =>
  new BlobServiceClient(azurite.endpoint(account), new StorageSharedKeyCredential(account, azurite.key)).getContainerClient(container).exists();

beforeAll(async () => {
  azurite = await testAzurite();
  fx = await fixture();
});

describe("organizations", () => {
  it("registers a storage account with its loading zone; the key is sealed, never shown", async () => {
    const created = await call(api.createOrganization, { token: fx.admin, body: { name: "acme", confidentiality: "internal", description: "ACME", connection: connection(azurite.accounts[1]) } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "acme", confidentiality: "internal", accountName: azurite.accounts[1], blobEndpoint: azurite.endpoint(azurite.accounts[1]), canAdminister: true });
    expect(created.text).not.toContain(azurite.key);
    expect(await containerExists(azurite.accounts[1], "loadingzone")).toBe(true);
    const db = await database();
    const [row] = await db.select().from(storageOrganizations).where(and(eq(storageOrganizations.tenantId, fx.tenant.id), eq(storageOrganizations.name, "acme")));
    expect(row.sealedAccountKey).not.toContain(azurite.key.slice(0, 20));
    const spaces = await call(api.listSpaces, { token: fx.admin, params: { org: "acme" } });
    expect(spaces.body.items.map((s: { name: string; loadingZone: boolean }) => [s.name, s.loadingZone])).toEqual([["loadingzone", true]]);
  });

  it("takes a connection string, and refuses what it cannot use", async () => {
    const account = azurite.accounts[2];
    const connectionString = `DefaultEndpointsProtocol=http;AccountName=${account};AccountKey=${azurite.key};BlobEndpoint=${azurite.endpoint(account)};`;
    const created = await call(api.createOrganization, { token: fx.admin, body: { name: "public-data", confidentiality: "public", connection: { connectionString } } });
    expect(created.status).toBe(201);
    expect(created.body.accountName).toBe(account);

    expectProblem(await call(api.createOrganization, { token: fx.admin, body: { name: "acme", confidentiality: "public", connection: connection(azurite.accounts[3]) } }), 409, "name_taken");
    expectProblem(await call(api.createOrganization, { token: fx.admin, body: { name: "again", confidentiality: "public", connection: connection(account) } }), 409, "account_in_use");
    const elsewhere = await call(api.createOrganization, { token: fx.admin, body: { name: "ssrf", confidentiality: "public", connection: { ...connection(azurite.accounts[3]), blobEndpoint: "http://169.254.169.254/x" } } });
    expect(expectFieldErrors(elsewhere).map((e) => e.path)).toEqual(["connection.blobEndpoint"]);
    const sas = await call(api.createOrganization, { token: fx.admin, body: { name: "sas-only", confidentiality: "public", connection: { connectionString: `AccountName=${account};SharedAccessSignature=sv=x` } } });
    expect(expectFieldErrors(sas)).toEqual([{ path: "connection.connectionString", message: expect.stringContaining("SAS") }]);
    expect(expectFieldErrors(await call(api.createOrganization, { token: fx.admin, body: { name: "All", confidentiality: "public", connection: connection("x") } })).map((e) => e.path)).toEqual(
      expect.arrayContaining(["name"]),
    );
    // an account Azurite does not know refuses the key: nothing is recorded
    expectProblem(await call(api.createOrganization, { token: fx.admin, body: { name: "nobody", confidentiality: "public", connection: connection("unknownaccount") } }), 422, "storage_refused");
    expectProblem(await call(api.getOrganization, { token: fx.admin, params: { org: "nobody" } }), 404, "not_found");
  });

  it("lists what each caller sees: org_all_public only public organizations", async () => {
    const names = async (token: string) => (await call(api.listOrganizations, { token })).body.items.map((o: { name: string }) => o.name);
    expect(await names(fx.admin)).toEqual(["acme", "public-data"]);
    expect(await names(fx.access)).toEqual(["acme"]);
    expect(await names(fx.publicReader)).toEqual(["public-data"]);
    expect(await names(fx.stranger)).toEqual([]);
    expectProblem(await call(api.getOrganization, { token: fx.publicReader, params: { org: "acme" } }), 404, "not_found");
  });

  it("is edited by org_<org>_admin; others may not (403 if they see it, else 404); storage:write is needed", async () => {
    const patched = await call(api.updateOrganization, { token: fx.orgAdmin, params: { org: "acme" }, body: { description: "ACME Corp" } });
    expect(patched.body).toMatchObject({ description: "ACME Corp", canAdminister: true });
    expectProblem(await call(api.updateOrganization, { token: fx.access, params: { org: "acme" }, body: { description: "x" } }), 403, "forbidden");
    expectProblem(await call(api.updateOrganization, { token: fx.stranger, params: { org: "acme" }, body: { description: "x" } }), 404, "not_found");
    expectProblem(await call(api.updateOrganization, { token: fx.readOnly, params: { org: "acme" }, body: { description: "x" } }), 403, "insufficient_scope");
    expectProblem(await call(api.createOrganization, { token: fx.orgAdmin, body: { name: "mine", confidentiality: "public", connection: connection(azurite.accounts[3]) } }), 403, "forbidden");
  });
});

describe("spaces", () => {
  it("are created by the organization's admin in a workspace, with their container", async () => {
    const created = await call(api.createSpace, { token: fx.orgAdmin, params: { org: "acme" }, body: { name: "raw", confidentiality: "private", workspaceId: fx.workspaceId } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ organization: "acme", name: "raw", workspaceId: fx.workspaceId, loadingZone: false, actions: ["space.manage"] });
    expect(await containerExists(azurite.accounts[1], "raw")).toBe(true);
    expectProblem(await call(api.createSpace, { token: fx.orgAdmin, params: { org: "acme" }, body: { name: "raw", confidentiality: "private", workspaceId: fx.workspaceId } }), 409, "name_taken");
    expectProblem(await call(api.createSpace, { token: fx.orgAdmin, params: { org: "acme" }, body: { name: "loadingzone", confidentiality: "private", workspaceId: fx.workspaceId } }), 409, "name_taken");
    expect(expectFieldErrors(await call(api.createSpace, { token: fx.orgAdmin, params: { org: "acme" }, body: { name: "nows", confidentiality: "private", workspaceId: "00000000-0000-4000-8000-000000000000" } })).map((e) => e.path)).toEqual(["workspaceId"]);
    expectProblem(await call(api.createSpace, { token: fx.access, params: { org: "acme" }, body: { name: "mine", confidentiality: "private", workspaceId: fx.workspaceId } }), 403, "forbidden");
  });

  it("are listed to those with a role in them, with what they may do", async () => {
    const listed = await call(api.listSpaces, { token: fx.access, params: { org: "acme" } });
    expect(listed.body.items.map((s: { name: string; actions: string[] }) => [s.name, s.actions])).toEqual([["raw", ["space.read"]]]);
    expectProblem(await call(api.getSpace, { token: fx.access, params: { org: "acme", space: "loadingzone" } }), 404, "not_found");
    expectProblem(await call(api.listSpaces, { token: fx.stranger, params: { org: "acme" } }), 404, "not_found");
  });

  it("are managed by their workspace's admins and the organization's; the loading zone stays", async () => {
    const moved = await call(api.updateSpace, { token: fx.spaceAdmin, params: { org: "acme", space: "raw" }, body: { description: "raw files", confidentiality: "internal" } });
    expect(moved.body).toMatchObject({ description: "raw files", confidentiality: "internal", actions: ["space.manage"] });
    expectProblem(await call(api.updateSpace, { token: fx.access, params: { org: "acme", space: "raw" }, body: { description: "x" } }), 403, "forbidden");
    expectProblem(await call(api.deleteSpace, { token: fx.orgAdmin, params: { org: "acme", space: "loadingzone" } }), 409, "loading_zone_required");
    await call(api.createSpace, { token: fx.orgAdmin, params: { org: "acme" }, body: { name: "scratch", confidentiality: "private", workspaceId: fx.otherWorkspaceId } });
    expect((await call(api.deleteSpace, { token: fx.orgAdmin, params: { org: "acme", space: "scratch" } })).status).toBe(204);
    expectProblem(await call(api.getSpace, { token: fx.admin, params: { org: "acme", space: "scratch" } }), 404, "not_found");
    expect(await containerExists(azurite.accounts[1], "scratch")).toBe(true);
  });

  it("list their folders and blobs a page at a time", async () => {
    const container = new BlobServiceClient(azurite.endpoint(azurite.accounts[1]), new StorageSharedKeyCredential(azurite.accounts[1], azurite.key)).getContainerClient("raw");
    for (const name of ["top.txt", "2024/01/a.csv", "2024/02/b.csv"]) await container.getBlockBlobClient(name).upload("12345", 5);
    const root = await call(api.listBlobs, { token: fx.access, params: { org: "acme", space: "raw" } });
    expect(root.body).toMatchObject({ prefix: "", folders: ["2024/"], blobs: [{ name: "top.txt", size: 5 }], nextCursor: null });
    const month = await call(api.listBlobs, { token: fx.access, params: { org: "acme", space: "raw" }, query: { prefix: "2024/" } });
    expect(month.body.folders).toEqual(["2024/01/", "2024/02/"]);
    expectProblem(await call(api.listBlobs, { token: fx.access, params: { org: "acme", space: "raw" }, query: { cursor: "not a cursor" } }), 400, "invalid_cursor");
    expectProblem(await call(api.listBlobs, { token: fx.publicReader, params: { org: "acme", space: "raw" } }), 404, "not_found");
  });

  it("go with their organization, whose storage account keeps the data", async () => {
    expect((await call(api.deleteOrganization, { token: fx.orgAdmin, params: { org: "acme" } })).status).toBe(204);
    expectProblem(await call(api.getSpace, { token: fx.admin, params: { org: "acme", space: "raw" } }), 404, "not_found");
    expect(await containerExists(azurite.accounts[1], "raw")).toBe(true);
  });
});
