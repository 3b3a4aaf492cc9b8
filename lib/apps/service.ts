import { and, asc, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { database, type Database } from "@/db/client";
import { appAdmins, appParameters, apps, bucketGrants, users, workspaces } from "@/db/schema";
import { authorize, can } from "@/lib/access/policy";
import { recordAudit } from "@/lib/audit/service";
import { describePrincipal, type Principal } from "@/lib/auth/principal";
import { conflict, invalid } from "@/lib/errors";
import { eraseAppSecrets } from "@/lib/secrets/service";
import { enqueueTask } from "@/lib/tasks/enqueue";
import { presentTask } from "@/lib/tasks/service";
import { parseInput } from "@/lib/validation";
import { appRoleName, appRoleNameProblem, parameterName, slugify } from "./cloud-names";
import { enterApp, type AppRow, type GuardedApp } from "./guard";
import { usersInBody, workspaceInBody, type Person } from "./references";
import { createAppInput, updateAppInput, type App, type AppSummary } from "./schema";
import { TASK, type DeleteAppPayload } from "./task-kinds";

type Executor = Pick<Database, "select">;

async function adminsOf(db: Executor, appId: string): Promise<Person[]> {
  return db
    .select({ id: users.id, email: users.email, name: users.name })
    .from(appAdmins)
    .innerJoin(users, eq(users.id, appAdmins.userId))
    .where(eq(appAdmins.appId, appId))
    .orderBy(asc(users.email));
}

async function presentApp(p: Principal, db: Executor, app: GuardedApp): Promise<App> {
  const [workspace] = await db.select({ id: workspaces.id, name: workspaces.name }).from(workspaces).where(eq(workspaces.id, app.workspaceId));
  return {
    id: app.id,
    name: app.name,
    slug: app.slug,
    description: app.description,
    workspace,
    repoUrl: app.repoUrl,
    iamRole: { name: app.iamRoleName, arn: app.iamRoleArn },
    admins: await adminsOf(db, app.id),
    canDelete: can(p, "app.delete", app),
    createdBy: app.createdBy,
    createdAt: app.createdAt.toISOString(),
    updatedAt: app.updatedAt.toISOString(),
  };
}

const snapshot = (app: AppRow, admins: Person[]) => ({ name: app.name, description: app.description, repoUrl: app.repoUrl, admins: admins.map((a) => a.email) });

/** Every app of the tenant, by name: what members see of each, and whether they may open it. */
export async function listApps(p: Principal): Promise<{ items: AppSummary[] }> {
  authorize(p, "app.list", { tenantId: p.tenantId });
  const db = await database();
  const rows = await db
    .select({ app: apps, workspace: { id: workspaces.id, name: workspaces.name }, admin: appAdmins.userId })
    .from(apps)
    .innerJoin(workspaces, eq(workspaces.id, apps.workspaceId))
    .leftJoin(appAdmins, and(eq(appAdmins.appId, apps.id), eq(appAdmins.userId, p.kind === "user" ? p.id : "00000000-0000-0000-0000-000000000000")))
    .where(and(eq(apps.tenantId, p.tenantId), isNull(apps.deletedAt)))
    .orderBy(asc(apps.name), asc(apps.id));
  return {
    items: rows.map(({ app, workspace, admin }) => ({
      id: app.id,
      name: app.name,
      slug: app.slug,
      description: app.description,
      workspace,
      canRead: can(p, "app.read", { tenantId: app.tenantId, appAdmin: admin !== null }),
    })),
  };
}

export async function getApp(p: Principal, input: { id: string }): Promise<App> {
  const app = await enterApp(p, input.id, "app.read");
  return presentApp(p, await database(), app);
}

function slugTaken<T>(run: () => Promise<T>): Promise<T> {
  return run().catch((error) => {
    const cause = (error as { cause?: { code?: string } }).cause ?? (error as { code?: string });
    if (cause?.code === "23505") throw conflict("slug_taken", "An app with this slug already exists.", { errors: [{ path: "slug", message: "already taken" }] });
    throw error;
  });
}

/** Creates the app and queues the creation of its IAM role. */
export async function createApp(p: Principal, input: z.input<typeof createAppInput>) {
  const data = parseInput(createAppInput, input);
  authorize(p, "app.create", { tenantId: p.tenantId });
  const slug = data.slug ?? slugify(data.name);
  const tooLong = appRoleNameProblem(p.tenantSlug, slug);
  if (tooLong) throw invalid([{ path: "slug", message: tooLong }]);
  const workspace = await workspaceInBody(p, data.workspaceId);
  const admins = await usersInBody(p, data.admins, "admins");
  const db = await database();
  return slugTaken(() =>
    db.transaction(async (tx) => {
      const [row] = await tx
        .insert(apps)
        .values({ tenantId: p.tenantId, workspaceId: workspace.id, name: data.name, slug, description: data.description, repoUrl: data.repoUrl, iamRoleName: appRoleName(p.tenantSlug, slug), createdBy: describePrincipal(p) })
        .returning();
      if (admins.length > 0) await tx.insert(appAdmins).values(admins.map((a) => ({ appId: row.id, userId: a.id })));
      const task = await enqueueTask(tx, { tenantId: p.tenantId, kind: TASK.createAppRole, targetType: "app", targetId: row.id, createdBy: describePrincipal(p) });
      await recordAudit(tx, p, { action: "app.create", targetType: "app", targetId: row.id, workspaceId: workspace.id, after: { ...snapshot(row, admins), slug, iamRoleName: row.iamRoleName } });
      return { app: await presentApp(p, tx, { ...row, appAdmin: admins.some((a) => p.kind === "user" && a.id === p.id) }), task: presentTask(task) };
    }),
  );
}

const updateInput = updateAppInput.extend({ id: z.string() });

/** Name, description, repository and admins; the slug, and with it every cloud name, never changes. */
export async function updateApp(p: Principal, input: z.input<typeof updateInput>): Promise<App> {
  const { id, admins: adminRefs, ...changes } = parseInput(updateInput, input);
  const app = await enterApp(p, id, "app.update");
  const admins = adminRefs && (await usersInBody(p, adminRefs, "admins"));
  const db = await database();
  return db.transaction(async (tx) => {
    const before = await adminsOf(tx, app.id);
    const [row] = await tx
      .update(apps)
      .set({ ...changes, updatedAt: new Date() })
      .where(eq(apps.id, app.id))
      .returning();
    if (admins) {
      await tx.delete(appAdmins).where(eq(appAdmins.appId, app.id));
      if (admins.length > 0) await tx.insert(appAdmins).values(admins.map((a) => ({ appId: app.id, userId: a.id })));
    }
    await recordAudit(tx, p, { action: "app.update", targetType: "app", targetId: app.id, workspaceId: app.workspaceId, before: snapshot(app, before), after: snapshot(row, admins ?? before) });
    return presentApp(p, tx, { ...row, appAdmin: admins ? admins.some((a) => p.kind === "user" && a.id === p.id) : app.appAdmin });
  });
}

/** Deletes the app: its grants end now, its secrets are erased (AWS: in their own tasks), its policies, parameters and IAM role go in a task. */
export async function deleteApp(p: Principal, input: { id: string }) {
  const app = await enterApp(p, input.id, "app.delete");
  const db = await database();
  return db.transaction(async (tx) => {
    const now = new Date();
    await tx.update(apps).set({ deletedAt: now, updatedAt: now }).where(eq(apps.id, app.id));
    const revoked = await tx
      .update(bucketGrants)
      .set({ revokedAt: now })
      .where(and(eq(bucketGrants.principalKind, "app"), eq(bucketGrants.principalId, app.id), isNull(bucketGrants.revokedAt)))
      .returning({ id: bucketGrants.id });
    const parameters = await tx.delete(appParameters).where(eq(appParameters.appId, app.id)).returning({ name: appParameters.name });
    const secrets = await eraseAppSecrets(tx, p, app.id);
    const payload: DeleteAppPayload = { roleName: app.iamRoleName, parameterNames: parameters.map((row) => parameterName(p.tenantSlug, app.slug, row.name)) };
    const task = await enqueueTask(tx, { tenantId: p.tenantId, kind: TASK.deleteApp, targetType: "app", targetId: app.id, payload, createdBy: describePrincipal(p) });
    await recordAudit(tx, p, { action: "app.delete", targetType: "app", targetId: app.id, workspaceId: app.workspaceId, before: { name: app.name, slug: app.slug, grants: revoked.length, parameters: parameters.length, secrets } });
    return { task: presentTask(task) };
  });
}
