import { IAMClient } from "@aws-sdk/client-iam";
import { SSMClient } from "@aws-sdk/client-ssm";
import { and, eq } from "drizzle-orm";
import { database } from "@/db/client";
import { appParameters, apps, tasks, tenants, userCloudRoles, users } from "@/db/schema";
import { open } from "@/lib/crypto/envelope";
import { defineTask, PermanentTaskError, type TaskRow } from "@/lib/tasks/registry";
import "@/lib/tasks/runner";
import "@/lib/buckets/tasks";
import "@/lib/secrets/tasks";
import { AWS_TARGETS, withAws } from "./aws";
import { sluiceEnv } from "./cloud-names";
import { appParametersPolicy, PARAMETERS_POLICY_NAME, roleTrustPolicy } from "./iam-documents";
import { deleteRole, ensureRole, OWNER_TAG, putRolePolicy } from "./iam";
import { deleteParameter, deleteParameters, putSecureParameter } from "./parameter-store";
import { parameterSealContext, TASK, type DeleteAppPayload, type DeleteParameterPayload, type PutParameterPayload } from "./task-kinds";

/**
 * The background tasks of apps and users' cloud access. Importing this module registers them (and the
 * task runner's queue job, buckets' and the secret store's tasks): every worker process imports it. Each handler converges on what the
 * database says now, so running one again, or late, does no harm.
 */

async function tenantSlug(tenantId: string) {
  const db = await database();
  const [tenant] = await db.select({ slug: tenants.slug }).from(tenants).where(eq(tenants.id, tenantId));
  return tenant.slug;
}

defineTask(TASK.createAppRole, async (task, { progress }) => {
  const db = await database();
  const [app] = await db.select().from(apps).where(eq(apps.id, task.targetId));
  if (!app || app.deletedAt) return { skipped: "the app was deleted" };
  const tenant = await tenantSlug(app.tenantId);
  const arn = await withAws(IAMClient, AWS_TARGETS.appRole, async (iam) => {
    await progress(10, `Creating IAM role ${app.iamRoleName}`);
    const roleArn = await ensureRole(iam, {
      name: app.iamRoleName,
      description: `Sluice app ${app.slug} of tenant ${tenant}`,
      trustPolicy: roleTrustPolicy(),
      tags: { "sluice:env": sluiceEnv(), "sluice:tenant": tenant, [OWNER_TAG]: `app:${app.id}`, "sluice:workspace": app.workspaceId },
    });
    await progress(60, "Letting the role read the app's parameters");
    await putRolePolicy(iam, app.iamRoleName, PARAMETERS_POLICY_NAME, appParametersPolicy(tenant, app.slug));
    return roleArn;
  });
  await db.update(apps).set({ iamRoleArn: arn }).where(eq(apps.id, app.id));
  return { roleArn: arn };
});

defineTask(TASK.deleteApp, async (task, { progress }) => {
  const payload = task.payload as DeleteAppPayload;
  if (payload.parameterNames.length > 0) {
    await progress(10, `Deleting ${payload.parameterNames.length} parameter(s)`);
    await withAws(SSMClient, AWS_TARGETS.appParameters, (ssm) => deleteParameters(ssm, payload.parameterNames));
  }
  await progress(50, `Deleting IAM role ${payload.roleName} and its policies`);
  await withAws(IAMClient, AWS_TARGETS.appRole, (iam) => deleteRole(iam, payload.roleName));
  const db = await database();
  await db.update(apps).set({ iamRoleArn: null }).where(eq(apps.id, task.targetId));
  return { deletedRole: payload.roleName };
});

defineTask(TASK.createUserRole, async (task, { progress }) => {
  const db = await database();
  const [row] = await db.select({ role: userCloudRoles, email: users.email }).from(userCloudRoles).innerJoin(users, eq(users.id, userCloudRoles.userId)).where(eq(userCloudRoles.userId, task.targetId));
  if (!row) return { skipped: "the user is gone" };
  const tenant = await tenantSlug(row.role.tenantId);
  await progress(10, `Creating IAM role ${row.role.iamRoleName}`);
  const arn = await withAws(IAMClient, AWS_TARGETS.userRole, (iam) =>
    ensureRole(iam, {
      name: row.role.iamRoleName,
      description: `Sluice user of tenant ${tenant}`,
      trustPolicy: roleTrustPolicy(),
      tags: { "sluice:env": sluiceEnv(), "sluice:tenant": tenant, [OWNER_TAG]: `user:${row.role.userId}` },
    }),
  );
  await db.update(userCloudRoles).set({ iamRoleArn: arn }).where(eq(userCloudRoles.userId, row.role.userId));
  return { roleArn: arn };
});

/** The sealed value leaves the task's payload once it is written (or will never be). */
async function dropSealedValue(task: TaskRow) {
  const { sealedValue: _dropped, ...rest } = task.payload as PutParameterPayload;
  const db = await database();
  await db.update(tasks).set({ payload: rest }).where(eq(tasks.id, task.id));
}

async function currentParameter(appId: string, key: string) {
  const db = await database();
  const [row] = await db
    .select()
    .from(appParameters)
    .where(and(eq(appParameters.appId, appId), eq(appParameters.name, key)));
  return row;
}

defineTask(TASK.putParameter, async (task, { progress }) => {
  const payload = task.payload as PutParameterPayload;
  const row = await currentParameter(task.targetId, payload.key);
  if (row?.updatedAt.toISOString() !== payload.writtenAt) {
    await dropSealedValue(task);
    return { skipped: "a later change of this parameter replaces this one" };
  }
  if (!payload.sealedValue) throw new PermanentTaskError("The value of this write is no longer held; set the parameter again.");
  let value: string;
  try {
    value = open(payload.sealedValue, parameterSealContext(task.targetId, payload.key, payload.writtenAt));
  } catch (error) {
    throw new PermanentTaskError(`${(error as Error).message} Set the parameter again.`);
  }
  await progress(20, `Writing ${payload.parameterName}`);
  await withAws(SSMClient, AWS_TARGETS.appParameters, (ssm) => putSecureParameter(ssm, { name: payload.parameterName, value, description: payload.description }));
  await dropSealedValue(task);
  return { parameter: payload.parameterName };
});

defineTask(TASK.deleteParameter, async (task, { progress }) => {
  const payload = task.payload as DeleteParameterPayload;
  if (await currentParameter(task.targetId, payload.key)) return { skipped: "the parameter was set again" };
  await progress(20, `Deleting ${payload.parameterName}`);
  await withAws(SSMClient, AWS_TARGETS.appParameters, (ssm) => deleteParameter(ssm, payload.parameterName));
  return { deleted: payload.parameterName };
});
