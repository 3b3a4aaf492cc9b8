import { and, asc, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { database, type Database } from "@/db/client";
import { bucketGrants, buckets, workspaces } from "@/db/schema";
import { authorize, bucketVisible, can } from "@/lib/access/policy";
import { bucketNameProblem } from "@/lib/apps/cloud-names";
import { workspaceInBody } from "@/lib/apps/references";
import { recordAudit } from "@/lib/audit/service";
import { describePrincipal, type Principal } from "@/lib/auth/principal";
import { conflict, invalid } from "@/lib/errors";
import { pendingTasks, presentTask } from "@/lib/tasks/service";
import { parseInput } from "@/lib/validation";
import { enqueueGrantSync } from "./grants";
import { callersGrant, enterBucket, type GuardedBucket } from "./guard";
import { bucketArn } from "./policy-document";
import { createBucketInput, updateBucketInput, type Bucket } from "./schema";

type Executor = Pick<Database, "select">;

function toBucket(p: Principal, bucket: GuardedBucket, workspace: Bucket["workspace"]): Bucket {
  return {
    id: bucket.id,
    name: bucket.name,
    arn: bucketArn(bucket.name),
    workspace,
    classification: bucket.classification,
    access: bucket.grantLevel,
    canManage: can(p, "bucket.update", bucket),
    createdBy: bucket.createdBy,
    createdAt: bucket.createdAt.toISOString(),
  };
}

async function presentBucket(p: Principal, db: Executor, bucket: GuardedBucket): Promise<Bucket> {
  const [workspace] = await db.select({ id: workspaces.id, name: workspaces.name }).from(workspaces).where(eq(workspaces.id, bucket.ownerWorkspaceId));
  return toBucket(p, bucket, workspace);
}

const snapshot = (bucket: GuardedBucket | typeof buckets.$inferSelect) => ({ name: bucket.name, workspaceId: bucket.ownerWorkspaceId, classification: bucket.classification });

/** The buckets the caller holds a grant on (every bucket for platform admins), by name. */
export async function listBuckets(p: Principal): Promise<{ items: Bucket[] }> {
  authorize(p, "bucket.list", { tenantId: p.tenantId });
  const db = await database();
  const rows = await db
    .select({ bucket: buckets, level: bucketGrants.level, workspace: { id: workspaces.id, name: workspaces.name } })
    .from(buckets)
    .innerJoin(workspaces, eq(workspaces.id, buckets.ownerWorkspaceId))
    .leftJoin(bucketGrants, callersGrant(p))
    .where(and(eq(buckets.tenantId, p.tenantId), isNull(buckets.deletedAt)))
    .orderBy(asc(buckets.name));
  return {
    items: rows.flatMap(({ bucket, level, workspace }) => {
      const guarded = { ...bucket, grantLevel: level ?? null };
      return bucketVisible(p, guarded) ? [toBucket(p, guarded, workspace)] : [];
    }),
  };
}

export async function getBucket(p: Principal, input: { id: string }): Promise<Bucket> {
  const bucket = await enterBucket(p, input.id, "bucket.read");
  return presentBucket(p, await database(), bucket);
}

function nameTaken<T>(run: () => Promise<T>): Promise<T> {
  return run().catch((error) => {
    const cause = (error as { cause?: { code?: string } }).cause ?? (error as { code?: string });
    if (cause?.code === "23505") throw conflict("bucket_registered", "This bucket is registered already.", { errors: [{ path: "name", message: "already registered" }] });
    throw error;
  });
}

/** Registers an existing S3 bucket (named by the rule in lib/apps/cloud-names.ts) for grants. */
export async function createBucket(p: Principal, input: z.input<typeof createBucketInput>): Promise<Bucket> {
  const data = parseInput(createBucketInput, input);
  authorize(p, "bucket.create", { tenantId: p.tenantId });
  const problem = bucketNameProblem(p.tenantSlug, data.name);
  if (problem) throw invalid([{ path: "name", message: problem }]);
  const workspace = await workspaceInBody(p, data.workspaceId);
  const db = await database();
  return nameTaken(() =>
    db.transaction(async (tx) => {
      const [row] = await tx
        .insert(buckets)
        .values({ tenantId: p.tenantId, name: data.name, ownerWorkspaceId: workspace.id, classification: data.classification, createdBy: describePrincipal(p) })
        .returning();
      await recordAudit(tx, p, { action: "bucket.create", targetType: "bucket", targetId: row.id, workspaceId: workspace.id, after: snapshot(row) });
      return presentBucket(p, tx, { ...row, grantLevel: null });
    }),
  );
}

const updateInput = updateBucketInput.extend({ id: z.string() });

export async function updateBucket(p: Principal, input: z.input<typeof updateInput>): Promise<Bucket> {
  const { id, workspaceId, classification } = parseInput(updateInput, input);
  const bucket = await enterBucket(p, id, "bucket.update");
  const workspace = workspaceId === undefined ? undefined : await workspaceInBody(p, workspaceId);
  const db = await database();
  if (!classification && !workspace) return presentBucket(p, db, bucket);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(buckets)
      .set({ ...(classification ? { classification } : {}), ...(workspace ? { ownerWorkspaceId: workspace.id } : {}) })
      .where(eq(buckets.id, bucket.id))
      .returning();
    await recordAudit(tx, p, { action: "bucket.update", targetType: "bucket", targetId: bucket.id, workspaceId: row.ownerWorkspaceId, before: snapshot(bucket), after: snapshot(row) });
    return presentBucket(p, tx, { ...row, grantLevel: bucket.grantLevel });
  });
}

/** Unregisters the bucket: every grant ends and its policy is removed (the bucket and its data stay in S3). */
export async function deleteBucket(p: Principal, input: { id: string }) {
  const bucket = await enterBucket(p, input.id, "bucket.delete");
  const db = await database();
  return db.transaction(async (tx) => {
    const now = new Date();
    await tx.update(buckets).set({ deletedAt: now }).where(eq(buckets.id, bucket.id));
    const revoked = await tx
      .update(bucketGrants)
      .set({ revokedAt: now })
      .where(and(eq(bucketGrants.bucketId, bucket.id), isNull(bucketGrants.revokedAt)))
      .returning();
    const queued = [];
    for (const grant of revoked) queued.push(await enqueueGrantSync(tx, p, grant, "revoke"));
    await recordAudit(tx, p, { action: "bucket.delete", targetType: "bucket", targetId: bucket.id, workspaceId: bucket.ownerWorkspaceId, before: { ...snapshot(bucket), grants: revoked.length } });
    return { bucket: await presentBucket(p, tx, bucket), tasks: queued.map(presentTask) };
  });
}

/** The bucket's grant tasks that have not succeeded yet. */
export async function pendingBucketTasks(p: Principal, input: { id: string }) {
  const bucket = await enterBucket(p, input.id, "bucket.read");
  return pendingTasks(p, { bucketId: bucket.id });
}
