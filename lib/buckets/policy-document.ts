import type { GRANT_LEVELS } from "@/db/schema";

export type GrantLevel = (typeof GRANT_LEVELS)[number];

type Statement = {
  Sid: string;
  Effect: "Allow";
  Action: string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string[]>>;
};
export type PolicyDocument = { Version: "2012-10-17"; Statement: Statement[] };

export const LIST_ACTIONS = ["s3:ListBucket"];
export const READ_ACTIONS = ["s3:GetObject", "s3:GetObjectVersion"];
export const WRITE_ACTIONS = ["s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:AbortMultipartUpload"];
/** The bucket's own settings: what an admin grant adds to read and write. */
export const ADMIN_ACTIONS = [
  "s3:GetBucketLocation",
  "s3:ListBucketVersions",
  "s3:ListBucketMultipartUploads",
  "s3:GetBucketPolicy",
  "s3:PutBucketPolicy",
  "s3:DeleteBucketPolicy",
  "s3:GetBucketTagging",
  "s3:PutBucketTagging",
  "s3:GetBucketVersioning",
  "s3:PutBucketVersioning",
  "s3:GetLifecycleConfiguration",
  "s3:PutLifecycleConfiguration",
  "s3:GetEncryptionConfiguration",
  "s3:PutEncryptionConfiguration",
];

export const bucketArn = (bucket: string) => `arn:aws:s3:::${bucket}`;

/**
 * The IAM policy a grant writes on the app's or user's role. Limited to path prefixes (each ending
 * in "/"), listing is allowed only below them (an `s3:prefix` condition) and objects only under
 * them; an admin grant is to the whole bucket.
 */
export function bucketAccessPolicy(bucket: string, level: GrantLevel, prefixes: readonly string[] = []): PolicyDocument {
  if (level === "admin" && prefixes.length > 0) throw new Error("An admin grant is to the whole bucket, without prefixes.");
  const arn = bucketArn(bucket);
  const list: Statement = { Sid: "List", Effect: "Allow", Action: LIST_ACTIONS, Resource: arn };
  if (prefixes.length > 0) list.Condition = { StringLike: { "s3:prefix": prefixes.map((p) => `${p}*`) } };
  const objects: Statement = {
    Sid: level === "readonly" ? "Read" : "ReadWrite",
    Effect: "Allow",
    Action: level === "readonly" ? READ_ACTIONS : [...READ_ACTIONS, ...WRITE_ACTIONS],
    Resource: prefixes.length > 0 ? prefixes.map((p) => `${arn}/${p}*`) : `${arn}/*`,
  };
  const statements = [list, objects];
  if (level === "admin") statements.push({ Sid: "Administer", Effect: "Allow", Action: ADMIN_ACTIONS, Resource: arn });
  return { Version: "2012-10-17", Statement: statements };
}
