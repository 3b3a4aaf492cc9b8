import { and, eq, isNull } from "drizzle-orm";
import { database } from "@/db/client";
import { appAdmins, apps } from "@/db/schema";
import type { Action } from "@/lib/access/actions";
import { authorize, can } from "@/lib/access/policy";
import type { Principal } from "@/lib/auth/principal";
import { notFound } from "@/lib/errors";
import { isUuid } from "@/lib/validation";
import { assertActive, enterWorkspace, loadWorkspace } from "@/lib/workspaces/guard";
import type { SecretOwner } from "./schema";
import type { SecretPlace } from "./values";

/**
 * Who may do what with whose secrets. A workspace's: members list them, its admins write them. An
 * app's: the app's admins (and platform admins) list and write them. Reading a value back is
 * `secret.reveal` on the workspace either way: a machine client with the `secrets:reveal` scope.
 */
export type SecretAccess = "list" | "write" | "reveal";

const WORKSPACE_ACTION: Record<SecretAccess, Action> = { list: "secret.list", write: "secret.write", reveal: "secret.reveal" };
const APP_ACTION: Record<Exclude<SecretAccess, "reveal">, Action> = { list: "app.read", write: "app.update" };

/** The app, of the caller's tenant and in that workspace, with whether the caller is one of its admins. */
async function findApp(p: Principal, owner: Required<SecretOwner>) {
  if (!isUuid(owner.appId)) throw notFound("app");
  const db = await database();
  const [app] = await db
    .select({ id: apps.id, tenantId: apps.tenantId, admin: appAdmins.userId })
    .from(apps)
    .leftJoin(appAdmins, and(eq(appAdmins.appId, apps.id), eq(appAdmins.userId, p.kind === "user" ? p.id : "00000000-0000-0000-0000-000000000000")))
    .where(and(eq(apps.id, owner.appId), eq(apps.workspaceId, owner.workspaceId), eq(apps.tenantId, p.tenantId), isNull(apps.deletedAt)));
  if (!app) throw notFound("app");
  return { id: app.id, tenantId: app.tenantId, appAdmin: app.admin !== null };
}

/** Checks the caller's access to the owner's secrets; where they are. Writes need an active workspace. */
export async function enterSecretOwner(p: Principal, owner: SecretOwner, access: SecretAccess): Promise<SecretPlace> {
  let ws;
  if (owner.appId === undefined) {
    ws = await enterWorkspace(p, owner.workspaceId, WORKSPACE_ACTION[access]);
  } else if (access === "reveal") {
    ws = await enterWorkspace(p, owner.workspaceId, WORKSPACE_ACTION[access]);
    await findApp(p, { workspaceId: ws.id, appId: owner.appId });
  } else {
    authorize(p, APP_ACTION[access], await findApp(p, { workspaceId: owner.workspaceId, appId: owner.appId }), "app");
    ws = await loadWorkspace(p, owner.workspaceId);
  }
  if (access === "write") assertActive(ws);
  return { tenantId: p.tenantId, tenantSlug: p.tenantSlug, workspaceId: ws.id, appId: owner.appId ?? null };
}

/** Whether the caller may write the owner's secrets (for showing the buttons; the services check again). */
export async function mayWriteSecrets(p: Principal, owner: SecretOwner): Promise<boolean> {
  const ws = await loadWorkspace(p, owner.workspaceId);
  if (ws.archivedAt) return false;
  return owner.appId === undefined ? can(p, WORKSPACE_ACTION.write, ws) : can(p, APP_ACTION.write, await findApp(p, { workspaceId: ws.id, appId: owner.appId }));
}
