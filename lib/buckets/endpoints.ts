import { z } from "zod";
import { endpoint } from "@/lib/http/endpoint";
import * as grants from "./grants";
import { bucket, bucketDeletion, bucketGrantInput, bucketList, createBucketInput, grantChange, grantList, updateBucketInput, userCloudAccess } from "./schema";
import * as buckets from "./service";

const tag = "Buckets";
const byId = z.object({ id: z.string() });
const byGrant = z.object({ id: z.string(), grantId: z.string() });

export const listBuckets = endpoint(
  { method: "GET", path: "/buckets", summary: "Buckets you hold a grant on (all of them for platform admins)", tag, scope: "apps:read", response: bucketList },
  (ctx) => buckets.listBuckets(ctx.principal),
);

export const createBucket = endpoint(
  { method: "POST", path: "/buckets", summary: "Register an S3 bucket named <env>-<tenant>-<name> (platform admins)", tag, scope: "apps:write", body: createBucketInput, response: bucket, status: 201, errors: [409] },
  (ctx) => buckets.createBucket(ctx.principal, ctx.body),
);

export const getBucket = endpoint(
  { method: "GET", path: "/buckets/{id}", summary: "A bucket (with a grant on it)", tag, scope: "apps:read", params: byId, response: bucket },
  (ctx) => buckets.getBucket(ctx.principal, ctx.params),
);

export const updateBucket = endpoint(
  { method: "PATCH", path: "/buckets/{id}", summary: "Change a bucket's classification or owner workspace (its admins)", tag, scope: "apps:write", params: byId, body: updateBucketInput, response: bucket },
  (ctx) => buckets.updateBucket(ctx.principal, { ...ctx.body, id: ctx.params.id }),
);

export const deleteBucket = endpoint(
  { method: "DELETE", path: "/buckets/{id}", summary: "Unregister a bucket: every grant ends and the tasks returned remove their policies; S3 keeps the bucket (its admins)", tag, scope: "apps:write", params: byId, response: bucketDeletion, status: 202 },
  (ctx) => buckets.deleteBucket(ctx.principal, ctx.params),
);

export const listBucketGrants = endpoint(
  { method: "GET", path: "/buckets/{id}/grants", summary: "Who may use the bucket: apps and users with their level and prefixes", tag, scope: "apps:read", params: byId, response: grantList },
  (ctx) => grants.listBucketGrants(ctx.principal, { bucketId: ctx.params.id }),
);

export const grantBucket = endpoint(
  { method: "POST", path: "/buckets/{id}/grants", summary: "Grant an app or a user (by id or e-mail) access to the bucket, or change it; the task returned writes the IAM policy (its admins)", tag, scope: "apps:write", params: byId, body: bucketGrantInput, response: grantChange, status: 201 },
  (ctx) => grants.grantBucket(ctx.principal, { ...ctx.body, bucketId: ctx.params.id }),
);

export const revokeGrant = endpoint(
  { method: "DELETE", path: "/buckets/{id}/grants/{grantId}", summary: "Revoke a grant; the task returned removes its IAM policy (its admins)", tag, scope: "apps:write", params: byGrant, response: grantChange, status: 202 },
  (ctx) => grants.revokeGrant(ctx.principal, { bucketId: ctx.params.id, grantId: ctx.params.grantId }),
);

export const getUserGrants = endpoint(
  { method: "GET", path: "/users/{id}/grants", summary: "A user's own IAM role and bucket grants (the user and platform admins)", tag, scope: "apps:read", params: byId, response: userCloudAccess },
  (ctx) => grants.userCloudAccess(ctx.principal, { userId: ctx.params.id }),
);
