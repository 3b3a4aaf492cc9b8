import { describe, expect, it } from "vitest";
import { ALL_SCOPES_MARKER, type Principal } from "@/lib/auth/principal";
import { APP_ACTIONS, BUCKET_ACTIONS, type Action } from "./actions";
import { authorize, can, type AppGuard, type BucketGuard, type UserGuard } from "./policy";

const TENANT = "11111111-1111-4111-8111-111111111111";
const OTHER = "22222222-2222-4222-8222-222222222222";
const ME = "33333333-3333-4333-8333-333333333333";

const person = (roles: string[] = [], scopes = [ALL_SCOPES_MARKER], tenantId = TENANT): Principal => ({
  kind: "user",
  id: ME,
  subject: "me@example.test",
  name: "me",
  tenantId,
  tenantSlug: "t",
  roles,
  groups: [],
  scopes,
});
const admin = person(["sluice-admin"]);
const app = (appAdmin: boolean, tenantId = TENANT): AppGuard => ({ tenantId, appAdmin });
const bucket = (grantLevel: BucketGuard["grantLevel"], tenantId = TENANT): BucketGuard => ({ tenantId, grantLevel });
const allowed = (p: Principal, actions: readonly Action[], target: AppGuard | BucketGuard) => actions.filter((action) => can(p, action, target));

describe("apps", () => {
  it.each<[string, Principal, AppGuard, Action[]]>([
    ["a platform admin does everything", admin, app(false), ["app.read", "app.update", "app.delete"]],
    ["an app's admin reads and changes it, but does not delete it", person(), app(true), ["app.read", "app.update"]],
    ["another member does nothing with it (they only list apps)", person(), app(false), []],
    ["nobody acts on another tenant's app", admin, app(true, OTHER), []],
    ["a token scope limits even an app admin", person([], ["apps:read"]), app(true), ["app.read"]],
  ])("%s", (_name, p, target, expected) => {
    expect(allowed(p, APP_ACTIONS, target)).toEqual(expected);
  });

  it("refuses with a 403: every member knows the app exists", () => {
    expect(() => authorize(person(), "app.read", app(false), "app")).toThrow(expect.objectContaining({ status: 403 }));
  });
});

describe("buckets", () => {
  it.each<[string, Principal, BucketGuard, Action[]]>([
    ["readonly reads", person(), bucket("readonly"), ["bucket.read"]],
    ["readwrite reads (its writes are the data's, in IAM)", person(), bucket("readwrite"), ["bucket.read"]],
    ["admin reads, changes and deletes", person(), bucket("admin"), ["bucket.read", "bucket.update", "bucket.delete"]],
    ["no grant: nothing", person(), bucket(null), []],
    ["a platform admin without a grant: everything", admin, bucket(null), ["bucket.read", "bucket.update", "bucket.delete"]],
    ["nobody acts on another tenant's bucket", person(), bucket("admin", OTHER), []],
  ])("%s", (_name, p, target, expected) => {
    expect(allowed(p, BUCKET_ACTIONS, target)).toEqual(expected);
  });

  it("hides a bucket without a grant (404) and refuses a readonly holder's change (403)", () => {
    expect(() => authorize(person(), "bucket.read", bucket(null), "bucket")).toThrow(expect.objectContaining({ status: 404, message: "The bucket does not exist." }));
    expect(() => authorize(person(), "bucket.update", bucket("readonly"), "bucket")).toThrow(expect.objectContaining({ status: 403 }));
  });
});

describe("users' cloud identity", () => {
  const user = (userId: string): UserGuard => ({ tenantId: TENANT, userId });
  it("is the user's own and the platform admins'", () => {
    expect(can(person(), "user.read", user(ME))).toBe(true);
    expect(can(person(), "user.read", user(OTHER))).toBe(false);
    expect(can(admin, "user.read", user(OTHER))).toBe(true);
    expect(can({ ...person(), kind: "client" }, "user.read", user(ME))).toBe(false);
    expect(() => authorize(person(), "user.read", user(OTHER), "user")).toThrow(expect.objectContaining({ status: 404 }));
  });
});
