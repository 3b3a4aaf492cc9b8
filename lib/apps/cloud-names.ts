import { z } from "zod";
import type { Environment } from "@/lib/data-dir";

/**
 * The one rule for every name Sluice gives things in AWS. Each starts with the environment
 * (SLUICE_ENV) and the tenant, so that environments and tenants sharing an AWS account never collide
 * and no tenant can name another's resources:
 *
 *   app IAM role      <env>_app_<tenant>_<app slug>                  (IAM: at most 64 characters)
 *   user IAM role     <env>_user_<tenant>_<e-mail local part>-<first 8 of the user id>
 *   S3 bucket         <env>-<tenant>-<name>                         (S3: 3–63 of a-z 0-9 -)
 *   bucket policy     bucket_<bucket name>                          (an inline policy on the role)
 *   app parameter     /<env>/<tenant>/<app slug>/<key>              (SSM Parameter Store)
 */
export const DEFAULT_ENV = "dev";
const ENV_RULE = /^[a-z][a-z0-9]{0,9}$/;
const IAM_ROLE_MAX = 64;
const BUCKET_MAX = 63;

export class CloudNameConfigError extends Error {}

/** SLUICE_ENV: 1–10 lower-case letters and digits, starting with a letter (default `dev`). */
export function sluiceEnv(env: Environment = process.env): string {
  const value = env.SLUICE_ENV?.trim() || DEFAULT_ENV;
  if (!ENV_RULE.test(value)) throw new CloudNameConfigError(`SLUICE_ENV must be 1–10 lower-case letters and digits starting with a letter, not "${value}".`);
  return value;
}

export const appSlug = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[a-z]([a-z0-9-]*[a-z0-9])?$/, "lower-case letters, digits and '-', starting with a letter");

/** A slug from a display name: "Sales Dashboard (v2)" → "sales-dashboard-v2". */
export function slugify(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^[^a-z]+/, "")
    .slice(0, 40)
    .replace(/-+$/, "");
  return slug || "app";
}

export function appRoleName(tenant: string, slug: string, env: Environment = process.env) {
  return `${sluiceEnv(env)}_app_${tenant}_${slug}`;
}

/** Why an app's role name cannot be made, or undefined when it can. */
export function appRoleNameProblem(tenant: string, slug: string, env: Environment = process.env): string | undefined {
  const name = appRoleName(tenant, slug, env);
  return name.length > IAM_ROLE_MAX ? `the IAM role name ${name} would be longer than ${IAM_ROLE_MAX} characters; choose a shorter slug` : undefined;
}

export function userRoleName(tenant: string, user: { id: string; email: string }, env: Environment = process.env) {
  const head = `${sluiceEnv(env)}_user_${tenant}_`;
  const tail = `-${user.id.replace(/-/g, "").slice(0, 8)}`;
  const local = (user.email.split("@")[0] ?? "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  const room = Math.max(0, IAM_ROLE_MAX - head.length - tail.length);
  return `${head}${local.slice(0, room).replace(/-+$/, "") || "user"}${tail}`.slice(0, IAM_ROLE_MAX);
}

export function bucketPrefix(tenant: string, env: Environment = process.env) {
  return `${sluiceEnv(env)}-${tenant}-`;
}

/** Why `name` is not a bucket name of this tenant, or undefined when it is. */
export function bucketNameProblem(tenant: string, name: string, env: Environment = process.env): string | undefined {
  const prefix = bucketPrefix(tenant, env);
  if (!name.startsWith(prefix) || name.length === prefix.length) return `must start with ${prefix} and name the bucket after it`;
  if (name.length > BUCKET_MAX) return `at most ${BUCKET_MAX} characters`;
  if (!/^[a-z0-9][a-z0-9-]*[a-z0-9]$/.test(name)) return "lower-case letters, digits and '-', ending with a letter or digit";
  return undefined;
}

export const bucketPolicyName = (bucket: string) => `bucket_${bucket}`;

/** An app parameter's key: like an environment variable name. */
export const parameterKey = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "letters, digits and '_', not starting with a digit");

export function parameterPath(tenant: string, slug: string, env: Environment = process.env) {
  return `/${sluiceEnv(env)}/${tenant}/${slug}`;
}

export function parameterName(tenant: string, slug: string, key: string, env: Environment = process.env) {
  return `${parameterPath(tenant, slug, env)}/${key}`;
}
