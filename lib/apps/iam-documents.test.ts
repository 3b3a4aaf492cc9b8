import { describe, expect, it } from "vitest";
import { appParametersPolicy, roleTrustPolicy, TrustConfigError, trustedPrincipals } from "./iam-documents";

describe("role trust", () => {
  it("lets the configured accounts and principals assume the role", () => {
    const env = { SLUICE_AWS_ROLE_TRUST: " 123456789012, arn:aws:iam::210987654321:role/eks-apps " };
    expect(roleTrustPolicy(env)).toEqual({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { AWS: ["123456789012", "arn:aws:iam::210987654321:role/eks-apps"] }, Action: "sts:AssumeRole" }],
    });
  });

  it("is required", () => {
    expect(() => trustedPrincipals({})).toThrow(TrustConfigError);
    expect(() => trustedPrincipals({ SLUICE_AWS_ROLE_TRUST: " , " })).toThrow(/Set SLUICE_AWS_ROLE_TRUST/);
  });

  it.each(["*", "12345", "arn:aws:s3:::bucket", "arn:aws:iam::123456789012:role/a b"])("refuses %s", (entry) => {
    expect(() => trustedPrincipals({ SLUICE_AWS_ROLE_TRUST: entry })).toThrow(/neither an AWS account id nor a principal ARN/);
  });
});

describe("an app's parameter policy", () => {
  it("reads only the app's own parameters, by name and by path", () => {
    expect(appParametersPolicy("demo", "sales", { SLUICE_ENV: "prod" })).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "ReadOwnParameters",
          Effect: "Allow",
          Action: ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"],
          Resource: ["arn:aws:ssm:*:*:parameter/prod/demo/sales", "arn:aws:ssm:*:*:parameter/prod/demo/sales/*"],
        },
      ],
    });
  });
});
