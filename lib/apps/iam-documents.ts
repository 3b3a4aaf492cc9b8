import type { Environment } from "@/lib/data-dir";
import type { PolicyDocument } from "@/lib/buckets/policy-document";
import { parameterPath } from "./cloud-names";

/** Who may assume app and user roles: SLUICE_AWS_ROLE_TRUST, comma-separated AWS account ids or principal ARNs. */
const TRUST_VARIABLE = "SLUICE_AWS_ROLE_TRUST";
const TRUSTED = /^(\d{12}|arn:aws[a-z-]*:(iam|sts)::\d{12}:[\w+=,.@/:-]{1,512})$/;

export class TrustConfigError extends Error {}

export function trustedPrincipals(env: Environment = process.env): string[] {
  const entries = (env[TRUST_VARIABLE] ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new TrustConfigError(`Set ${TRUST_VARIABLE} to the AWS accounts or principal ARNs that may assume app and user roles.`);
  const wrong = entries.filter((entry) => !TRUSTED.test(entry));
  if (wrong.length > 0) throw new TrustConfigError(`${TRUST_VARIABLE} holds ${wrong.join(", ")}, which is neither an AWS account id nor a principal ARN.`);
  return entries;
}

export type TrustPolicy = {
  Version: "2012-10-17";
  Statement: { Effect: "Allow"; Principal: { AWS: string[] }; Action: "sts:AssumeRole" }[];
};

/** The role's trust policy: the configured principals may assume it. */
export function roleTrustPolicy(env: Environment = process.env): TrustPolicy {
  return { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: trustedPrincipals(env) }, Action: "sts:AssumeRole" }] };
}

export const PARAMETERS_POLICY_NAME = "parameters";

/** An app's role reads its own parameters (by name and by path), nobody else's. */
export function appParametersPolicy(tenant: string, slug: string, env: Environment = process.env): PolicyDocument {
  const path = `arn:aws:ssm:*:*:parameter${parameterPath(tenant, slug, env)}`;
  return {
    Version: "2012-10-17",
    Statement: [{ Sid: "ReadOwnParameters", Effect: "Allow", Action: ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"], Resource: [path, `${path}/*`] }],
  };
}
