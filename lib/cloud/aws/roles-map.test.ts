import { describe, expect, it } from "vitest";
import { AwsRolesMapError, awsRolesMapProblems, parseAwsRolesMap, roleArnFor, roleVariableFor } from "./roles-map";

const seedMap = `
DEFAULT: AWS_DATA_ACCOUNT_ROLE
USER:
  DEFAULT: AWS_DATA_ACCOUNT_ROLE
  AWSROLE: AWS_USER_ROLE
APP:
  DEFAULT: AWS_APP_ACCOUNT_ROLE
  AWSBUCKET: AWS_DATA_ACCOUNT_ROLE
  AWSPARAMETERSTORE: AWS_PARAMETERS_ROLE
OPS: {}
`;

const arn = (account: string, name: string) => `arn:aws:iam::${account}:role/${name}`;
const env = {
  SLUICE_AWS_ROLES_MAP: seedMap,
  AWS_DATA_ACCOUNT_ROLE: arn("111111111111", "data"),
  AWS_USER_ROLE: arn("111111111111", "users"),
  AWS_APP_ACCOUNT_ROLE: arn("222222222222", "apps"),
  AWS_PARAMETERS_ROLE: arn("333333333333", "parameters"),
};

describe("roles map lookup", () => {
  const map = parseAwsRolesMap(seedMap);

  it.each([
    ["the category's service entry", "APP", "AWSBUCKET", "AWS_DATA_ACCOUNT_ROLE"],
    ["the category's service entry over its DEFAULT", "APP", "AWSPARAMETERSTORE", "AWS_PARAMETERS_ROLE"],
    ["the category's DEFAULT when the service is not listed", "APP", "AWSSECRETMANAGER", "AWS_APP_ACCOUNT_ROLE"],
    ["another category's service entry", "USER", "AWSROLE", "AWS_USER_ROLE"],
    ["that category's DEFAULT", "USER", "AWSPOLICY", "AWS_DATA_ACCOUNT_ROLE"],
    ["the root DEFAULT for a category without a DEFAULT", "OPS", "AWSROLE", "AWS_DATA_ACCOUNT_ROLE"],
    ["the root DEFAULT for an unknown category", "BUILD", "AWSBUCKET", "AWS_DATA_ACCOUNT_ROLE"],
    ["the root DEFAULT for an inherited property name", "constructor", "AWSROLE", "AWS_DATA_ACCOUNT_ROLE"],
  ] as const)("takes %s", (_, category, service, variable) => {
    expect(roleVariableFor(map, { category, service })).toBe(variable);
  });

  it("gives no role without a root DEFAULT, and none at all without a map", () => {
    const partial = parseAwsRolesMap('{"APP":{"AWSROLE":"AWS_APP_ACCOUNT_ROLE"}}');
    expect(roleVariableFor(partial, { category: "APP", service: "AWSROLE" })).toBe("AWS_APP_ACCOUNT_ROLE");
    expect(roleVariableFor(partial, { category: "APP", service: "AWSBUCKET" })).toBeUndefined();
    expect(roleVariableFor(partial, { category: "USER", service: "AWSROLE" })).toBeUndefined();
    expect(roleVariableFor(parseAwsRolesMap(""), { category: "APP", service: "AWSROLE" })).toBeUndefined();
    expect(roleArnFor({ category: "APP", service: "AWSROLE" }, {})).toBeUndefined();
  });

  it("reads the ARN from the variable the lookup names", () => {
    expect(roleArnFor({ category: "APP", service: "AWSSECRETMANAGER" }, env)).toBe(arn("222222222222", "apps"));
    expect(roleArnFor({ category: "APP", service: "AWSBUCKET" }, env)).toBe(arn("111111111111", "data"));
    expect(roleArnFor({ category: "APP", service: "AWSPARAMETERSTORE" }, env)).toBe(arn("333333333333", "parameters"));
    expect(roleArnFor({ category: "USER", service: "AWSBUCKET" }, env)).toBe(arn("111111111111", "data"));
  });

  it("accepts the map as JSON", () => {
    const json = parseAwsRolesMap(JSON.stringify({ DEFAULT: "A", USER: { DEFAULT: "B", AWSSECRETMANAGER: "C" } }));
    expect(roleVariableFor(json, { category: "USER", service: "AWSSECRETMANAGER" })).toBe("C");
    expect(roleVariableFor(json, { category: "USER", service: "AWSROLE" })).toBe("B");
    expect(roleVariableFor(json, { category: "APP", service: "AWSROLE" })).toBe("A");
  });
});

describe("roles map errors", () => {
  it.each([
    ["an unknown service", "APP:\n  AWSLAMBDA: X"],
    ["a category that is not upper case", "app:\n  DEFAULT: X"],
    ["a value that is no variable name", "DEFAULT: arn:aws:iam::111111111111:role/data"],
    ["a category that is a string", "APP: X"],
    ["the seed settings.yaml wrapper", "AWS_ROLES_MAP:\n  DEFAULT: X\n  APP:\n    DEFAULT: Y"],
    ["a list", "- X"],
    ["broken YAML", "APP: {"],
  ])("refuses %s", (_, text) => {
    expect(() => parseAwsRolesMap(text)).toThrow(AwsRolesMapError);
  });

  it("refuses a variable the map names that is unset or holds no role ARN", () => {
    const target = { category: "APP", service: "AWSROLE" } as const;
    expect(() => roleArnFor(target, { ...env, AWS_APP_ACCOUNT_ROLE: undefined })).toThrow(/names AWS_APP_ACCOUNT_ROLE, which is not set/);
    expect(() => roleArnFor(target, { ...env, AWS_APP_ACCOUNT_ROLE: "apps" })).toThrow(/must hold an IAM role ARN/);
  });

  it("lists every problem for start-up checks", () => {
    expect(awsRolesMapProblems(env)).toEqual([]);
    expect(awsRolesMapProblems({})).toEqual([]);
    expect(awsRolesMapProblems({ ...env, AWS_USER_ROLE: "", AWS_PARAMETERS_ROLE: "x" })).toEqual([
      "SLUICE_AWS_ROLES_MAP names AWS_USER_ROLE, which is not set.",
      "AWS_PARAMETERS_ROLE must hold an IAM role ARN (arn:aws:iam::<account>:role/<name>).",
    ]);
    expect(awsRolesMapProblems({ SLUICE_AWS_ROLES_MAP: "USER: 1" })).toHaveLength(1);
  });
});
