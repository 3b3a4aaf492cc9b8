import { IAMClient } from "@aws-sdk/client-iam";
import { and, eq, isNull } from "drizzle-orm";
import { database } from "@/db/client";
import { apps, bucketGrants, buckets, userCloudRoles } from "@/db/schema";
import { AWS_TARGETS, withAws } from "@/lib/apps/aws";
import { deleteRolePolicy, putRolePolicy } from "@/lib/apps/iam";
import { TASK, type SyncGrantPayload } from "@/lib/apps/task-kinds";
import { defineTask, PermanentTaskError } from "@/lib/tasks/registry";
import { bucketAccessPolicy } from "./policy-document";

/** The principal's IAM role, or undefined for an app that was deleted (its deletion removes every policy). */
async function principalRole({ principalKind, principalId }: SyncGrantPayload) {
  const db = await database();
  if (principalKind === "app") {
    const [app] = await db.select({ name: apps.iamRoleName, arn: apps.iamRoleArn, deletedAt: apps.deletedAt }).from(apps).where(eq(apps.id, principalId));
    return app && !app.deletedAt ? app : undefined;
  }
  const [role] = await db.select({ name: userCloudRoles.iamRoleName, arn: userCloudRoles.iamRoleArn }).from(userCloudRoles).where(eq(userCloudRoles.userId, principalId));
  return role;
}

/**
 * Makes the role's policy for the bucket match the principal's active grant: written when there is
 * one, removed when there is none. Granting, changing and revoking are all this one step.
 */
defineTask(TASK.syncGrant, async (task, { progress }) => {
  const payload = task.payload as SyncGrantPayload;
  const role = await principalRole(payload);
  if (!role) return { skipped: "the app was deleted, and its role with it" };
  if (!role.arn) throw new PermanentTaskError(`The IAM role ${role.name} has not been created; retry the task that creates it, then this one.`);
  const db = await database();
  const [active] = await db
    .select({ grant: bucketGrants, bucket: buckets.name })
    .from(bucketGrants)
    .innerJoin(buckets, and(eq(buckets.id, bucketGrants.bucketId), isNull(buckets.deletedAt)))
    .where(and(eq(bucketGrants.bucketId, payload.bucketId), eq(bucketGrants.principalKind, payload.principalKind), eq(bucketGrants.principalId, payload.principalId), isNull(bucketGrants.revokedAt)));
  const target = payload.principalKind === "app" ? AWS_TARGETS.appRole : AWS_TARGETS.userRole;
  if (active) {
    await progress(20, `Writing policy ${active.grant.policyName} (${active.grant.level}) on ${role.name}`);
    await withAws(IAMClient, target, (iam) => putRolePolicy(iam, role.name, active.grant.policyName, bucketAccessPolicy(active.bucket, active.grant.level, active.grant.prefixes)));
    return { role: role.name, policy: active.grant.policyName, level: active.grant.level };
  }
  await progress(20, `Removing policy ${payload.policyName} from ${role.name}`);
  await withAws(IAMClient, target, (iam) => deleteRolePolicy(iam, role.name, payload.policyName));
  return { role: role.name, removedPolicy: payload.policyName };
});
