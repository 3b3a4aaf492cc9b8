import { z } from "zod";
import { DATA_CLASSIFICATIONS, GRANT_LEVELS } from "@/db/schema";
import { task } from "@/lib/tasks/schema";

export const grantLevel = z.enum(GRANT_LEVELS);
export const classification = z.enum(DATA_CLASSIFICATIONS);

const MAX_PREFIXES = 20;

/**
 * A path prefix inside a bucket, stored ending in "/": no leading "/", no empty, "." or ".." segment,
 * and none of IAM's wildcards or variables (`*`, `?`, `$`), which would widen the grant.
 */
export const grantPrefix = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9!_.'()\-/]+$/, "letters, digits and !_.'()-/ only")
  .transform((prefix) => (prefix.endsWith("/") ? prefix : `${prefix}/`))
  .refine((prefix) => prefix.slice(0, -1).split("/").every((segment) => segment !== "" && segment !== "." && segment !== ".."), "no leading '/', empty, '.' or '..' segments");

export const grantPrefixes = z
  .array(grantPrefix)
  .max(MAX_PREFIXES)
  .default([])
  .transform((prefixes) => [...new Set(prefixes)].sort())
  .describe(`limit the grant to these path prefixes (at most ${MAX_PREFIXES}); none: the whole bucket`);

const grantBody = {
  level: grantLevel,
  prefixes: grantPrefixes,
};
const wholeBucketForAdmin = (grant: { level: string; prefixes: string[] }) => grant.level !== "admin" || grant.prefixes.length === 0;
const adminIssue = { message: "an admin grant is to the whole bucket, without prefixes", path: ["prefixes"] };

export const grantPrincipal = z.strictObject({ kind: z.enum(["app", "user"]), id: z.string().max(100) });

/** POST /buckets/{id}/grants: an app or a user. */
export const bucketGrantInput = z.strictObject({ principal: grantPrincipal, ...grantBody }).refine(wholeBucketForAdmin, adminIssue);
/** POST /apps/{id}/grants: a bucket. */
export const appGrantInput = z.strictObject({ bucketId: z.string().max(100), ...grantBody }).refine(wholeBucketForAdmin, adminIssue);

export const grant = z.object({
  id: z.uuid(),
  bucket: z.object({ id: z.uuid(), name: z.string() }),
  principal: z.object({ kind: z.enum(["app", "user"]), id: z.uuid(), name: z.string() }),
  level: grantLevel,
  prefixes: z.array(z.string()),
  policyName: z.string().describe("the inline IAM policy on the principal's role"),
  createdBy: z.string(),
  createdAt: z.string(),
});
export type Grant = z.infer<typeof grant>;

export const grantList = z.object({ items: z.array(grant) });
export const grantChange = z.object({ grant, task: task.describe("writes or removes the IAM policy") });

export const bucketName = z.string().trim().min(3).max(63);

export const createBucketInput = z.strictObject({
  name: bucketName.describe("<env>-<tenant>-<name>: lower-case letters, digits and '-'"),
  workspaceId: z.string().max(100).describe("the owner workspace"),
  classification,
});

export const updateBucketInput = z.strictObject({
  classification: classification.optional(),
  workspaceId: z.string().max(100).optional(),
});

export const bucket = z.object({
  id: z.uuid(),
  name: z.string(),
  arn: z.string(),
  workspace: z.object({ id: z.uuid(), name: z.string() }),
  classification,
  access: grantLevel.nullable().describe("the caller's own grant (platform admins may act as admins without one)"),
  canManage: z.boolean().describe("whether the caller may change the bucket and its grants"),
  createdBy: z.string(),
  createdAt: z.string(),
});
export type Bucket = z.infer<typeof bucket>;

export const bucketList = z.object({ items: z.array(bucket) });
export const bucketDeletion = z.object({ bucket, tasks: z.array(task).describe("one per grant: removes its IAM policy") });

export const userCloudAccess = z.object({
  user: z.object({ id: z.uuid(), email: z.string(), name: z.string() }),
  iamRole: z.object({ name: z.string(), arn: z.string().nullable() }).nullable().describe("null until the user's first grant"),
  grants: z.array(grant),
});
export type UserCloudAccess = z.infer<typeof userCloudAccess>;
