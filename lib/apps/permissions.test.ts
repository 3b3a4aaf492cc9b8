import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Principal } from "@/lib/auth/principal";
import * as bucketApi from "@/lib/buckets/endpoints";
import { grantBucket } from "@/lib/buckets/grants";
import { createBucket } from "@/lib/buckets/service";
import * as taskApi from "@/lib/tasks/endpoints";
import { call, expectProblem, type CallResult } from "@/lib/testing/http";
import { testTenant, testToken, testUser } from "@/lib/testing/fixtures";
import * as appApi from "./endpoints";
import { putParameter } from "./parameters";
import { createApp } from "./service";
import { cloudFixture, dropQueuedJobs } from "./testing";

/**
 * The permission matrix of apps and buckets (the seed's Control Panel) through the REST API, as
 * people signed in to the UI: platform admins do everything; an app's admins read and change their
 * app but do not delete it; other members list apps and nothing more; a bucket grant's level decides
 * reading, changing and deleting the bucket; nobody sees another tenant's.
 */
const session = vi.hoisted(() => ({ current: undefined as Principal | undefined }));
vi.mock("@/lib/auth/session", () => ({ sessionPrincipal: async () => session.current }));

const WHO = ["platformAdmin", "appAdmin", "member", "bucketReadonly", "bucketReadwrite", "bucketAdmin", "outsider"] as const;
type Who = (typeof WHO)[number];

let f: Awaited<ReturnType<typeof cloudFixture>>;
const people = {} as Record<Who, Principal>;
let appId: string;
let bucketId: string;
let taskId: string;
/** Someone outside the matrix whom grants are made to and revoked from. */
let grantee: Principal;

beforeAll(async () => {
  f = await cloudFixture("perm");
  people.platformAdmin = f.admin;
  for (const who of ["appAdmin", "member", "bucketReadonly", "bucketReadwrite", "bucketAdmin"] as const) people[who] = await testUser(f.tenant.slug, f.operator);
  grantee = await testUser(f.tenant.slug, f.operator);
  const other = await testTenant("perm-other");
  people.outsider = await testUser(other.tenant.slug, other.operator, { admin: true });
  const created = await createApp(f.admin, { name: "Matrix", workspaceId: f.workspaceId, admins: [people.appAdmin.id] });
  appId = created.app.id;
  taskId = created.task.id;
  await putParameter(f.admin, { appId, name: "KEPT", value: "v" });
  bucketId = await freshBucket();
});
// No worker runs here: the tasks these calls queue must not wait for another test file's workers.
afterAll(() => dropQueuedJobs(f.tenant.id));

/** A registered bucket with a readonly, a readwrite and an admin grant for the matrix's people. */
async function freshBucket() {
  const bucket = await createBucket(f.admin, { name: f.bucketName(), workspaceId: f.workspaceId, classification: "internal" });
  for (const [who, level] of [["bucketReadonly", "readonly"], ["bucketReadwrite", "readwrite"], ["bucketAdmin", "admin"]] as const) {
    await grantBucket(f.admin, { bucketId: bucket.id, principal: { kind: "user", id: people[who].id }, level });
  }
  return bucket.id;
}

async function freshApp() {
  return (await createApp(f.admin, { name: `doomed-${Math.random().toString(36).slice(2, 8)}`, workspaceId: f.workspaceId, admins: [people.appAdmin.id] })).app.id;
}

type Case = [string, (as: Principal) => Promise<CallResult>, Record<Who, number>];
const row = (platformAdmin: number, appAdmin: number, member: number, bucketReadonly: number, bucketReadwrite: number, bucketAdmin: number, outsider: number) => ({
  platformAdmin,
  appAdmin,
  member,
  bucketReadonly,
  bucketReadwrite,
  bucketAdmin,
  outsider,
});

const app = () => ({ id: appId });
const bucket = () => ({ id: bucketId });
const CASES: Case[] = [
  ["list apps", () => call(appApi.listApps), row(200, 200, 200, 200, 200, 200, 200)],
  ["create an app", () => call(appApi.createApp, { body: { name: `new-${Math.random().toString(36).slice(2, 8)}`, workspaceId: f.workspaceId } }), row(201, 403, 403, 403, 403, 403, 400)],
  ["read an app", () => call(appApi.getApp, { params: app() }), row(200, 200, 403, 403, 403, 403, 404)],
  ["change an app", () => call(appApi.updateApp, { params: app(), body: { description: "changed" } }), row(200, 200, 403, 403, 403, 403, 404)],
  ["delete an app", async () => call(appApi.deleteApp, { params: { id: await freshApp() } }), row(202, 403, 403, 403, 403, 403, 404)],
  ["list an app's grants", () => call(appApi.listAppGrants, { params: app() }), row(200, 200, 403, 403, 403, 403, 404)],
  ["grant a bucket to an app", () => call(appApi.grantToApp, { params: app(), body: { bucketId, level: "readonly" } }), row(201, 400, 400, 403, 403, 201, 404)],
  ["list an app's parameters", () => call(appApi.listParameters, { params: app() }), row(200, 200, 403, 403, 403, 403, 404)],
  ["set an app parameter", () => call(appApi.putParameter, { params: app(), body: { name: "SET", value: "v" } }), row(202, 202, 403, 403, 403, 403, 404)],
  [
    "delete an app parameter",
    async () => (await putParameter(f.admin, { appId, name: "GONE", value: "v" }), call(appApi.deleteParameter, { params: { id: appId, name: "GONE" } })),
    row(202, 202, 403, 403, 403, 403, 404),
  ],
  ["list buckets", () => call(bucketApi.listBuckets), row(200, 200, 200, 200, 200, 200, 200)],
  ["register a bucket", () => call(bucketApi.createBucket, { body: { name: f.bucketName(), workspaceId: f.workspaceId, classification: "public" } }), row(201, 403, 403, 403, 403, 403, 400)],
  ["read a bucket", () => call(bucketApi.getBucket, { params: bucket() }), row(200, 404, 404, 200, 200, 200, 404)],
  ["change a bucket", () => call(bucketApi.updateBucket, { params: bucket(), body: { classification: "confidential" } }), row(200, 404, 404, 403, 403, 200, 404)],
  ["delete a bucket", async () => call(bucketApi.deleteBucket, { params: { id: await freshBucket() } }), row(202, 404, 404, 403, 403, 202, 404)],
  ["list a bucket's grants", () => call(bucketApi.listBucketGrants, { params: bucket() }), row(200, 404, 404, 200, 200, 200, 404)],
  ["grant a bucket", () => call(bucketApi.grantBucket, { params: bucket(), body: { principal: { kind: "app", id: appId }, level: "readwrite" } }), row(201, 404, 404, 403, 403, 201, 404)],
  [
    "revoke a grant",
    async () => {
      const { grant } = await grantBucket(f.admin, { bucketId, principal: { kind: "user", id: grantee.id }, level: "readonly" });
      return call(bucketApi.revokeGrant, { params: { id: bucketId, grantId: grant.id } });
    },
    row(202, 404, 404, 403, 403, 202, 404),
  ],
  ["read a member's cloud access", () => call(bucketApi.getUserGrants, { params: { id: people.member.id } }), row(200, 404, 200, 404, 404, 404, 404)],
  ["read the app's task", () => call(taskApi.getTask, { params: { id: taskId } }), row(200, 200, 404, 404, 404, 404, 404)],
];

describe.each(CASES)("%s", (_name, run, expected) => {
  it.each(WHO)("as %s", async (who) => {
    session.current = people[who];
    const result = await run(people[who]);
    expect(result.status, JSON.stringify(result.body)).toBe(expected[who]);
    if (expected[who] === 403) expectProblem(result, 403, "forbidden");
    if (expected[who] === 404) expectProblem(result, 404, "not_found");
  });
});

describe("what each sees in lists", () => {
  it("every member sees every app, and may open only those they administer", async () => {
    const canRead = async (who: Who) => {
      session.current = people[who];
      const { body } = await call(appApi.listApps);
      return body.items.find((item: { id: string }) => item.id === appId)?.canRead;
    };
    expect(await Promise.all(WHO.map(canRead))).toEqual([true, true, false, false, false, false, undefined]);
  });

  it("buckets are listed only to those holding a grant on them", async () => {
    const lists = async (who: Who) => {
      session.current = people[who];
      const { body } = await call(bucketApi.listBuckets);
      return body.items.find((item: { id: string }) => item.id === bucketId)?.access ?? null;
    };
    expect(await Promise.all(WHO.map(lists))).toEqual([null, null, null, "readonly", "readwrite", "admin", null]);
  });

  it("an app's details stay with those who may read it", async () => {
    session.current = people.member;
    const { body } = await call(appApi.listApps);
    const item = body.items.find((i: { id: string }) => i.id === appId);
    expect(Object.keys(item).sort()).toEqual(["canRead", "description", "id", "name", "slug", "workspace"]);
  });
});

describe("token scopes", () => {
  it("apps:read reads but does not change; apps:write is needed to change", async () => {
    session.current = undefined;
    const reader = await testToken(f.operator, ["apps:read"], ["sluice-admin"]);
    expect((await call(appApi.getApp, { token: reader.token, params: { id: appId } })).status).toBe(200);
    expectProblem(await call(appApi.updateApp, { token: reader.token, params: { id: appId }, body: { description: "x" } }), 403, "insufficient_scope");
    const writer = await testToken(f.operator, ["apps:write"], ["sluice-admin"]);
    expect((await call(appApi.updateApp, { token: writer.token, params: { id: appId }, body: { description: "x" } })).status).toBe(200);
  });

  it("a machine client without the admin role is no app admin and holds no bucket grant", async () => {
    session.current = undefined;
    const client = await testToken(f.operator, ["apps:read", "apps:write"]);
    expectProblem(await call(appApi.getApp, { token: client.token, params: { id: appId } }), 403, "forbidden");
    expectProblem(await call(bucketApi.getBucket, { token: client.token, params: { id: bucketId } }), 404, "not_found");
  });
});
