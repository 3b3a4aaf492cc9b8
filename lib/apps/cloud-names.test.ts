import { describe, expect, it } from "vitest";
import {
  appRoleName,
  appRoleNameProblem,
  appSlug,
  bucketNameProblem,
  bucketPolicyName,
  CloudNameConfigError,
  parameterKey,
  parameterName,
  sluiceEnv,
  slugify,
  userRoleName,
} from "./cloud-names";

const prod = { SLUICE_ENV: "prod" };

describe("the environment prefix", () => {
  it.each<[string, Record<string, string>, string]>([
    ["defaults to dev", {}, "dev"],
    ["blank is the default", { SLUICE_ENV: "  " }, "dev"],
    ["takes SLUICE_ENV", prod, "prod"],
    ["allows digits after the first letter", { SLUICE_ENV: "stage2" }, "stage2"],
  ])("%s", (_name, env, expected) => {
    expect(sluiceEnv(env)).toBe(expected);
  });

  it.each(["Prod", "2prod", "pro_d", "pro-d", "abcdefghijk"])("refuses %s", (value) => {
    expect(() => sluiceEnv({ SLUICE_ENV: value })).toThrow(CloudNameConfigError);
  });
});

describe("app names", () => {
  it("name the role <env>_app_<tenant>_<slug>", () => {
    expect(appRoleName("demo", "sales-dashboard", prod)).toBe("prod_app_demo_sales-dashboard");
    expect(appRoleName("demo", "x", {})).toBe("dev_app_demo_x");
  });

  it("refuse a slug that makes the role name longer than IAM allows (64)", () => {
    const tenant = "t".repeat(30);
    expect(appRoleNameProblem(tenant, "a".repeat(24), prod)).toBeUndefined(); // 5 + 5 + 30 + 24 = 64
    expect(appRoleName(tenant, "a".repeat(24), prod)).toHaveLength(64);
    expect(appRoleNameProblem(tenant, "a".repeat(25), prod)).toMatch(/longer than 64 characters; choose a shorter slug/);
  });

  it.each(["a", "sales", "sales-2024", "a1-b2"])("accept the slug %s", (slug) => {
    expect(appSlug.safeParse(slug).success).toBe(true);
  });

  it.each(["", "Sales", "1sales", "sales-", "-sales", "sa_les", "sa les", "a".repeat(41)])("refuse the slug %j", (slug) => {
    expect(appSlug.safeParse(slug).success).toBe(false);
  });

  it.each<[string, string]>([
    ["Sales Dashboard (v2)", "sales-dashboard-v2"],
    ["  Café Résumé ", "cafe-resume"],
    ["2024 Reports", "reports"],
    ["!!!", "app"],
    ["a".repeat(50), "a".repeat(40)],
    [`${"a".repeat(39)} b`, "a".repeat(39)],
  ])("slugify %j → %s", (name, slug) => {
    expect(slugify(name)).toBe(slug);
    expect(appSlug.safeParse(slug).success).toBe(true);
  });
});

describe("user role names", () => {
  const user = { id: "3fa85f64-5717-4562-b3fc-2c963f66afa6", email: "Jane.Doe+data@example.org" };

  it("are <env>_user_<tenant>_<e-mail local part>-<first 8 of the id>", () => {
    expect(userRoleName("demo", user, prod)).toBe("prod_user_demo_jane-doe-data-3fa85f64");
  });

  it("differ for two people with the same local part", () => {
    const other = { id: "9c1b7e2a-0000-4000-8000-000000000000", email: "jane.doe@other.example" };
    expect(userRoleName("demo", other, prod)).toBe("prod_user_demo_jane-doe-9c1b7e2a");
  });

  it("fit IAM's 64 characters, cutting the local part", () => {
    const name = userRoleName("t".repeat(30), { ...user, email: `${"x".repeat(80)}@e.org` }, prod);
    expect(name).toHaveLength(64);
    expect(name).toBe(`prod_user_${"t".repeat(30)}_${"x".repeat(14)}-3fa85f64`);
  });

  it("name someone without a usable local part 'user'", () => {
    expect(userRoleName("demo", { ...user, email: "...@example.org" }, prod)).toBe("prod_user_demo_user-3fa85f64");
  });
});

describe("bucket names", () => {
  it.each(["prod-demo-raw", "prod-demo-raw-data-2024", `prod-demo-${"a".repeat(53)}`])("accept %s", (name) => {
    expect(bucketNameProblem("demo", name, prod)).toBeUndefined();
  });

  it.each<[string, RegExp]>([
    ["dev-demo-raw", /must start with prod-demo-/],
    ["prod-other-raw", /must start with prod-demo-/],
    ["prod-demo-", /must start with prod-demo-/],
    ["raw", /must start with prod-demo-/],
    [`prod-demo-${"a".repeat(54)}`, /at most 63 characters/],
    ["prod-demo-Raw", /lower-case letters/],
    ["prod-demo-raw_data", /lower-case letters/],
    ["prod-demo-raw.data", /lower-case letters/],
    ["prod-demo-raw-", /ending with a letter or digit/],
  ])("refuse %s", (name, problem) => {
    expect(bucketNameProblem("demo", name, prod)).toMatch(problem);
  });

  it("name the grant's inline policy after the bucket", () => {
    expect(bucketPolicyName("prod-demo-raw")).toBe("bucket_prod-demo-raw");
  });
});

describe("parameter names", () => {
  it("are /<env>/<tenant>/<app slug>/<key>", () => {
    expect(parameterName("demo", "sales", "DB_PASSWORD", prod)).toBe("/prod/demo/sales/DB_PASSWORD");
  });

  it.each(["DB_PASSWORD", "api_key", "_private", "A1"])("accept the key %s", (key) => {
    expect(parameterKey.safeParse(key).success).toBe(true);
  });

  it.each(["", "1KEY", "DB-PASSWORD", "db.password", "a/b", "KEY ", "a".repeat(101)])("refuse the key %j", (key) => {
    expect(parameterKey.safeParse(key).success).toBe(false);
  });
});
