import { and, eq, isNull } from "drizzle-orm";
import { database } from "@/db/client";
import { bucketGrants, buckets } from "@/db/schema";
import type { Action } from "@/lib/access/actions";
import { authorize, type BucketGuard } from "@/lib/access/policy";
import type { Principal } from "@/lib/auth/principal";
import { isUuid } from "@/lib/validation";
import { notFound } from "@/lib/errors";

export type BucketRow = typeof buckets.$inferSelect;
export type GuardedBucket = BucketRow & BucketGuard;

/** The caller's own active grant on a bucket (people hold grants; machine clients do not). */
export const callersGrant = (p: Principal) =>
  and(eq(bucketGrants.bucketId, buckets.id), eq(bucketGrants.principalKind, "user"), eq(bucketGrants.principalId, p.kind === "user" ? p.id : "00000000-0000-0000-0000-000000000000"), isNull(bucketGrants.revokedAt));

/** A registered bucket of the caller's tenant with the caller's grant level; 404 when absent. */
export async function loadBucket(p: Principal, id: string): Promise<GuardedBucket> {
  if (!isUuid(id)) throw notFound("bucket");
  const db = await database();
  const [row] = await db
    .select({ bucket: buckets, level: bucketGrants.level })
    .from(buckets)
    .leftJoin(bucketGrants, callersGrant(p))
    .where(and(eq(buckets.tenantId, p.tenantId), eq(buckets.id, id), isNull(buckets.deletedAt)));
  if (!row) throw notFound("bucket");
  return { ...row.bucket, grantLevel: row.level ?? null };
}

export async function enterBucket(p: Principal, id: string, action: Action): Promise<GuardedBucket> {
  const bucket = await loadBucket(p, id);
  authorize(p, action, bucket, "bucket");
  return bucket;
}
