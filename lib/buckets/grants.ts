import { and, asc, desc, eq, isNull, type SQL } from "drizzle-orm";
import { z } from "zod";
import { database, type Database } from "@/db/client";
import { apps, bucketGrants, buckets, userCloudRoles, users } from "@/db/schema";
import { authorize, can } from "@/lib/access/policy";
import { bucketPolicyName } from "@/lib/apps/cloud-names";
import { enterApp, loadApp } from "@/lib/apps/guard";
import { userInBody, type Person } from "@/lib/apps/references";
import { TASK, type SyncGrantPayload } from "@/lib/apps/task-kinds";
import { ensureUserCloudRole } from "@/lib/apps/user-roles";
import { recordAudit } from "@/lib/audit/service";
import { describePrincipal, type Principal } from "@/lib/auth/principal";
import type { Tx } from "@/lib/engine/local/transitions";
import { AppError, invalid, notFound } from "@/lib/errors";
import { enqueueTask } from "@/lib/tasks/enqueue";
import { presentTask } from "@/lib/tasks/service";
import { isUuid, parseInput } from "@/lib/validation";
import { enterBucket, type GuardedBucket } from "./guard";
import { appGrantInput, bucketGrantInput, type Grant, type UserCloudAccess } from "./schema";

type GrantRow = typeof bucketGrants.$inferSelect;
type Executor = Pick<Database, "select">;

/** Queues the task that brings the principal's role in line with its grant on the bucket (a policy, or none). */
export async function enqueueGrantSync(tx: Tx, p: Principal, grant: GrantRow, intent: SyncGrantPayload["intent"]) {
  const payload: SyncGrantPayload = { bucketId: grant.bucketId, principalKind: grant.principalKind, principalId: grant.principalId, policyName: grant.policyName, intent };
  return enqueueTask(tx, { tenantId: grant.tenantId, kind: TASK.syncGrant, targetType: grant.principalKind, targetId: grant.principalId, payload, createdBy: describePrincipal(p) });
}

async function presentGrants(db: Executor, where: SQL | undefined): Promise<Grant[]> {
  const rows = await db
    .select({ grant: bucketGrants, bucketName: buckets.name, appName: apps.name, userEmail: users.email })
    .from(bucketGrants)
    .innerJoin(buckets, eq(buckets.id, bucketGrants.bucketId))
    .leftJoin(apps, and(eq(bucketGrants.principalKind, "app"), eq(apps.id, bucketGrants.principalId)))
    .leftJoin(users, and(eq(bucketGrants.principalKind, "user"), eq(users.id, bucketGrants.principalId)))
    .where(and(isNull(bucketGrants.revokedAt), where))
    .orderBy(desc(bucketGrants.createdAt));
  return rows.map(({ grant, bucketName, appName, userEmail }) => ({
    id: grant.id,
    bucket: { id: grant.bucketId, name: bucketName },
    principal: { kind: grant.principalKind, id: grant.principalId, name: (grant.principalKind === "app" ? appName : userEmail) ?? "" },
    level: grant.level,
    prefixes: grant.prefixes,
    policyName: grant.policyName,
    createdBy: grant.createdBy,
    createdAt: grant.createdAt.toISOString(),
  }));
}

async function presentGrant(db: Executor, id: string): Promise<Grant> {
  const [grant] = await presentGrants(db, eq(bucketGrants.id, id));
  return grant;
}

type Grantee = { kind: "app" | "user"; id: string; person?: Person };

/** The app or user a grant is for: one of the caller's tenant, else a 400 on `principal.id`. */
async function granteeInBody(p: Principal, principal: { kind: "app" | "user"; id: string }): Promise<Grantee> {
  if (principal.kind === "user") {
    const person = await userInBody(p, principal.id, "principal.id");
    return { kind: "user", id: person.id, person };
  }
  const app = await loadApp(p, principal.id).catch(() => {
    throw invalid([{ path: "principal.id", message: "no such app in your tenant" }]);
  });
  return { kind: "app", id: app.id };
}

type GrantRequest = { level: GrantRow["level"]; prefixes: string[] };

/**
 * Grants (or changes) the principal's access to the bucket and queues the IAM policy that makes it
 * real; a user's first grant also queues their own IAM role, before the policy.
 */
async function grant(p: Principal, bucket: GuardedBucket, grantee: Grantee, request: GrantRequest) {
  const db = await database();
  return db.transaction(async (tx) => {
    if (grantee.person) await ensureUserCloudRole(tx, p, grantee.person);
    const active = and(eq(bucketGrants.bucketId, bucket.id), eq(bucketGrants.principalKind, grantee.kind), eq(bucketGrants.principalId, grantee.id), isNull(bucketGrants.revokedAt));
    const [before] = await tx.select().from(bucketGrants).where(active).for("update");
    const [row] = before
      ? await tx.update(bucketGrants).set(request).where(eq(bucketGrants.id, before.id)).returning()
      : await tx
          .insert(bucketGrants)
          .values({ tenantId: p.tenantId, bucketId: bucket.id, principalKind: grantee.kind, principalId: grantee.id, ...request, policyName: bucketPolicyName(bucket.name), createdBy: describePrincipal(p) })
          .returning();
    const task = await enqueueGrantSync(tx, p, row, "grant");
    await recordAudit(tx, p, {
      action: before ? "bucket.grant_change" : "bucket.grant",
      targetType: "bucket",
      targetId: bucket.id,
      workspaceId: bucket.ownerWorkspaceId,
      before: before && { principal: `${before.principalKind}:${before.principalId}`, level: before.level, prefixes: before.prefixes },
      after: { principal: `${row.principalKind}:${row.principalId}`, level: row.level, prefixes: row.prefixes },
    });
    return { grant: await presentGrant(tx, row.id), task: presentTask(task) };
  });
}

const bucketGrantRequest = z.object({ bucketId: z.string() }).and(bucketGrantInput);

/** POST /buckets/{id}/grants */
export async function grantBucket(p: Principal, input: z.input<typeof bucketGrantRequest>) {
  const { bucketId, principal, level, prefixes } = parseInput(bucketGrantRequest, input);
  const bucket = await enterBucket(p, bucketId, "bucket.update");
  return grant(p, bucket, await granteeInBody(p, principal), { level, prefixes });
}

const appGrantRequest = z.object({ appId: z.string() }).and(appGrantInput);

/** POST /apps/{id}/grants: the bucket's admins (and platform admins) grant it to the app. */
export async function grantToApp(p: Principal, input: z.input<typeof appGrantRequest>) {
  const { appId, bucketId, level, prefixes } = parseInput(appGrantRequest, input);
  const app = await loadApp(p, appId);
  // A bucket the caller may not see is no bucket to it: the same 400 as one that does not exist.
  const bucket = await enterBucket(p, bucketId, "bucket.update").catch((error) => {
    throw error instanceof AppError && error.status === 404 ? invalid([{ path: "bucketId", message: "no such bucket" }]) : error;
  });
  return grant(p, bucket, { kind: "app", id: app.id }, { level, prefixes });
}

const revokeRequest = z.object({ bucketId: z.string(), grantId: z.string() });

/** Ends a grant now and queues the removal of its policy. */
export async function revokeGrant(p: Principal, input: z.input<typeof revokeRequest>) {
  const { bucketId, grantId } = parseInput(revokeRequest, input);
  const bucket = await enterBucket(p, bucketId, "bucket.update");
  if (!isUuid(grantId)) throw notFound("grant");
  const db = await database();
  return db.transaction(async (tx) => {
    const before = await presentGrants(tx, and(eq(bucketGrants.id, grantId), eq(bucketGrants.bucketId, bucket.id)));
    const [row] = await tx
      .update(bucketGrants)
      .set({ revokedAt: new Date() })
      .where(and(eq(bucketGrants.id, grantId), eq(bucketGrants.bucketId, bucket.id), isNull(bucketGrants.revokedAt)))
      .returning();
    if (!row) throw notFound("grant");
    const task = await enqueueGrantSync(tx, p, row, "revoke");
    await recordAudit(tx, p, { action: "bucket.revoke", targetType: "bucket", targetId: bucket.id, workspaceId: bucket.ownerWorkspaceId, before: { principal: `${row.principalKind}:${row.principalId}`, level: row.level, prefixes: row.prefixes } });
    return { grant: before[0], task: presentTask(task) };
  });
}

export async function listBucketGrants(p: Principal, input: { bucketId: string }) {
  const bucket = await enterBucket(p, input.bucketId, "bucket.read");
  return { items: await presentGrants(await database(), eq(bucketGrants.bucketId, bucket.id)) };
}

export async function listAppGrants(p: Principal, input: { appId: string }) {
  const app = await enterApp(p, input.appId, "app.read");
  return { items: await presentGrants(await database(), and(eq(bucketGrants.principalKind, "app"), eq(bucketGrants.principalId, app.id))) };
}

const MAX_LISTED_USERS = 500;

/** People with their cloud identity, by e-mail: every user of the tenant (up to 500) for platform admins, the caller alone for others. */
export async function listCloudAccess(p: Principal): Promise<UserCloudAccess[]> {
  if (!can(p, "user.list", { tenantId: p.tenantId })) return p.kind === "user" ? [await userCloudAccess(p, { userId: p.id })] : [];
  const db = await database();
  const rows = await db
    .select({ user: { id: users.id, email: users.email, name: users.name }, role: { name: userCloudRoles.iamRoleName, arn: userCloudRoles.iamRoleArn } })
    .from(users)
    .leftJoin(userCloudRoles, eq(userCloudRoles.userId, users.id))
    .where(eq(users.tenantId, p.tenantId))
    .orderBy(asc(users.email))
    .limit(MAX_LISTED_USERS);
  const grants = await presentGrants(db, and(eq(bucketGrants.tenantId, p.tenantId), eq(bucketGrants.principalKind, "user")));
  return rows.map(({ user, role }) => ({ user, iamRole: role?.name ? role : null, grants: grants.filter((grant) => grant.principal.id === user.id) }));
}

/** A user's own IAM role (null until their first grant) and bucket grants: for them and platform admins. */
export async function userCloudAccess(p: Principal, input: { userId: string }): Promise<UserCloudAccess> {
  if (!isUuid(input.userId)) throw notFound("user");
  authorize(p, "user.read", { tenantId: p.tenantId, userId: input.userId, id: input.userId }, "user");
  const db = await database();
  const [user] = await db
    .select({ id: users.id, email: users.email, name: users.name })
    .from(users)
    .where(and(eq(users.tenantId, p.tenantId), eq(users.id, input.userId)));
  if (!user) throw notFound("user");
  const [role] = await db.select({ name: userCloudRoles.iamRoleName, arn: userCloudRoles.iamRoleArn }).from(userCloudRoles).where(eq(userCloudRoles.userId, user.id));
  return { user, iamRole: role ?? null, grants: await presentGrants(db, and(eq(bucketGrants.principalKind, "user"), eq(bucketGrants.principalId, user.id))) };
}
