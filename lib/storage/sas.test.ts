import { and, desc, eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { database } from "@/db/client";
import { auditEvents } from "@/db/schema";
import { testTenant, testToken } from "@/lib/testing/fixtures";
import { call, expectProblem } from "@/lib/testing/http";
import { createWorkspace } from "@/lib/workspaces/service";
import * as api from "./endpoints";
import { useSasClock } from "./sas";
import { createSpace } from "./spaces";
import { testAzurite, testOrganization } from "./testing/storage";
import type { Azurite } from "./testing/azurite.mjs";

/**
 * SAS tokens against Azurite (the Azure Storage emulator; Azure itself is not reached by any test):
 * what each kind really lets a client do there, expiry, and the cache with its buffer.
 */
let azurite: Azurite;
let fx: Awaited<ReturnType<typeof fixture>>;

async function fixture() {
  const { tenant, operator } = await testTenant("sas");
  const admin = await testToken(operator, ["storage:read", "storage:write"], ["SDK_ADMIN"]);
  await testOrganization(operator, "orga1", { account: azurite.accounts[1] });
  const ws = await createWorkspace(operator, { name: "sas-ws" });
  await createSpace(operator, { org: "orga1", name: "space1", confidentiality: "private", workspaceId: ws.id });
  const token = (roles: string[]) => testToken(operator, ["storage:read", "storage:write"], roles).then((t) => t.token);
  return {
    tenant,
    admin: admin.token,
    supplier: await token(["org_orga1_access", "spc_space1_supplier"]),
    trustee: await token(["org_orga1_access", "spc_space1_trustee"]),
    reader: await token(["org_orga1_access", "spc_space1_user"]),
  };
}

const sas = (kind: "read" | "upload" | "upload-main" | "delete", token: string, space = "space1") =>
  call({ read: api.readSas, upload: api.uploadSas, "upload-main": api.uploadMainSas, delete: api.deleteSas }[kind], { token, query: { organization: "orga1", space } });

const blobUrl = (containerSas: string, name: string) => {
  const url = new URL(containerSas);
  url.pathname = `${url.pathname}/${name}`;
  return url.toString();
};
const put = (containerSas: string, name: string, body: string) => fetch(blobUrl(containerSas, name), { method: "PUT", headers: { "x-ms-blob-type": "BlockBlob" }, body });

beforeAll(async () => {
  azurite = await testAzurite();
  fx = await fixture();
});
afterEach(() => useSasClock());
afterAll(() => useSasClock());

describe("what each token lets a client do in Azurite", () => {
  it("an upload token uploads into the loading zone (not the space), and the supplier sees it there", async () => {
    const issued = await sas("upload", fx.supplier);
    expect(issued.status).toBe(200);
    expect(issued.body).toMatchObject({ kind: "upload", container: "loadingzone", permissions: "racwl" });
    expect(new URL(issued.body.url).searchParams.get("sp")).toBe("racwl");
    expect((await put(issued.body.url, "batch-1/a.csv", "a,b\n1,2\n")).status).toBe(201);

    const listed = await call(api.listBlobs, { token: fx.supplier, params: { org: "orga1", space: "loadingzone" }, query: { prefix: "batch-1/" } });
    expect(listed.body.blobs).toEqual([{ name: "batch-1/a.csv", size: 8, lastModified: expect.any(String), contentType: expect.anything() }]);
    const inSpace = await call(api.listBlobs, { token: fx.supplier, params: { org: "orga1", space: "space1" }, query: { prefix: "batch-1/" } });
    expect(inSpace.body.blobs).toEqual([]);
  });

  it("a read token lists and reads but cannot upload: Azurite answers 403", async () => {
    const upload = await sas("upload-main", fx.trustee);
    expect((await put(upload.body.url, "docs/readme.txt", "hello")).status).toBe(201);
    const read = await sas("read", fx.reader);
    expect(read.body).toMatchObject({ container: "space1", permissions: "rl" });
    expect(await (await fetch(blobUrl(read.body.url, "docs/readme.txt"))).text()).toBe("hello");
    const listing = await fetch(`${read.body.url}&restype=container&comp=list`);
    expect(listing.status).toBe(200);
    expect(await listing.text()).toContain("<Name>docs/readme.txt</Name>");
    expect((await put(read.body.url, "docs/intruder.txt", "no")).status).toBe(403);
    expect((await fetch(blobUrl(read.body.url, "docs/readme.txt"), { method: "DELETE" })).status).toBe(403);
  });

  it("a delete token deletes; an upload token does not", async () => {
    const upload = await sas("upload-main", fx.trustee);
    expect((await put(upload.body.url, "old/x.bin", "x")).status).toBe(201);
    expect((await fetch(blobUrl(upload.body.url, "old/x.bin"), { method: "DELETE" })).status).toBe(403);
    const remove = await sas("delete", fx.trustee);
    expect(remove.body.permissions).toBe("racwdl");
    expect((await fetch(blobUrl(remove.body.url, "old/x.bin"), { method: "DELETE" })).status).toBe(202);
    expect((await fetch(blobUrl(remove.body.url, "old/x.bin"))).status).toBe(404);
  });

  it("a supplier's delete token for the loading zone deletes there", async () => {
    const upload = await sas("upload", fx.supplier);
    expect((await put(upload.body.url, "mistake/wrong.csv", "oops")).status).toBe(201);
    expectProblem(await sas("delete", fx.supplier), 403, "forbidden");
    const remove = await sas("delete", fx.supplier, "loadingzone");
    expect(remove.body.container).toBe("loadingzone");
    expect((await fetch(blobUrl(remove.body.url, "mistake/wrong.csv"), { method: "DELETE" })).status).toBe(202);
  });

  it("an expired token fails", async () => {
    useSasClock(() => new Date(Date.now() - 2 * 60 * 60_000));
    const stale = await sas("upload-main", fx.trustee);
    expect(new Date(stale.body.expiresOn).getTime()).toBeLessThan(Date.now());
    expect((await put(stale.body.url, "late/a.txt", "late")).status).toBe(403);
  });
});

describe("the token cache", () => {
  it("hands out the same token until less than the buffer of its life is left, then a new one", async () => {
    let now = new Date("2030-01-01T00:00:00Z").getTime();
    useSasClock(() => new Date(now));
    const first = await sas("read", fx.reader);
    expect(first.body.expiresOn).toBe("2030-01-01T01:00:00.000Z"); // read: 60 minutes by default
    now += 54 * 60_000; // 6 minutes left, buffer 5 (the default)
    expect((await sas("read", fx.trustee)).body.token).toBe(first.body.token);
    now += 60_000; // 10 minutes left: no longer more than the buffer
    const renewed = await sas("read", fx.reader);
    expect(renewed.body.token).not.toBe(first.body.token);
    expect(renewed.body.expiresOn).toBe("2030-01-01T01:55:00.000Z");
  });

  it("keeps kinds and spaces apart", async () => {
    const tokens = await Promise.all([sas("read", fx.trustee), sas("upload", fx.trustee), sas("delete", fx.trustee), sas("read", fx.admin, "loadingzone")]);
    expect(new Set(tokens.map((t) => t.body.token)).size).toBe(4);
  });

  it("is off with SLUICE_SAS_CACHE=off; lifetimes follow SLUICE_SAS_EXPIRY_*_MINUTES", async () => {
    let now = new Date("2030-02-01T00:00:00Z").getTime();
    useSasClock(() => new Date(now));
    process.env.SLUICE_SAS_EXPIRY_DELETE_MINUTES = "5";
    process.env.SLUICE_SAS_CACHE_BUFFER_MINUTES = "1"; // the default 5 is not less than a 5-minute token's life: never reused
    try {
      const first = await sas("delete", fx.trustee);
      expect(first.body.expiresOn).toBe("2030-02-01T00:05:00.000Z");
      now += 60_000;
      expect((await sas("delete", fx.trustee)).body.token).toBe(first.body.token);
      process.env.SLUICE_SAS_CACHE = "off";
      const fresh = await sas("delete", fx.trustee);
      expect(fresh.body.expiresOn).toBe("2030-02-01T00:06:00.000Z");
    } finally {
      delete process.env.SLUICE_SAS_CACHE;
      delete process.env.SLUICE_SAS_EXPIRY_DELETE_MINUTES;
      delete process.env.SLUICE_SAS_CACHE_BUFFER_MINUTES;
    }
  });

  it("audits every issuance (cached or not): who, which kind, which space — never the token", async () => {
    const issued = await sas("upload", fx.supplier);
    const db = await database();
    const [entry] = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.tenantId, fx.tenant.id), eq(auditEvents.action, "storage.sas_issued")))
      .orderBy(desc(auditEvents.id))
      .limit(1);
    expect(entry).toMatchObject({ actorKind: "client", targetType: "storage_space", after: { kind: "upload", organization: "orga1", space: "space1", container: "loadingzone" } });
    expect(JSON.stringify(entry)).not.toContain(new URL(issued.body.url).searchParams.get("sig"));
  });
});
