import { and, eq, isNull } from "drizzle-orm";
import { database } from "@/db/client";
import { workspaceMembers, workspaces, type WorkspaceRole } from "@/db/schema";
import { workspaceQueries } from "./queries";
import type { Action } from "@/lib/access/actions";
import { authorize, can, workspaceAccess, type WorkspaceGuard } from "@/lib/access/policy";
import type { Principal } from "@/lib/auth/principal";
import { AppError, notFound } from "@/lib/errors";
import { isUuid } from "@/lib/validation";

export type WorkspaceRow = typeof workspaces.$inferSelect;
export type GuardedWorkspace = WorkspaceRow & WorkspaceGuard & { memberRole: WorkspaceRole | null };


/** A workspace of the caller's tenant as read with the caller's membership (`withMembership`). */
export type WorkspaceRead = { ws: WorkspaceRow; memberRole: WorkspaceRole | null };

/** An id that is not a UUID names no workspace: 404 before any query (PostgreSQL would refuse it). */
export function assertWorkspaceId(id: string) {
  if (!isUuid(id)) throw notFound("workspace");
}

/** A workspace read with the caller's membership, as the caller sees it; 404 when absent. */
export function guarded(row: WorkspaceRead | undefined): GuardedWorkspace {
  if (!row) throw notFound("workspace");
  return { ...row.ws, memberRole: row.memberRole ?? null };
}

/** Loads a workspace of the caller's tenant with the caller's membership; 404 when absent. */
export async function loadWorkspace(p: Principal, id: string): Promise<GuardedWorkspace> {
  assertWorkspaceId(id);
  const { one } = await workspaceQueries();
  const [row] = await one.execute(workspaceParams(p, id));
  return guarded(row);
}

/** Loads a workspace and checks that the caller may do `action` there (404 if it may not enter). */
export async function enterWorkspace(p: Principal, id: string, action: Action): Promise<GuardedWorkspace> {
  const ws = await loadWorkspace(p, id);
  authorize(p, action, ws);
  return ws;
}

/** The placeholders of a read of one workspace with the caller's membership. */
export function workspaceParams(p: Principal, id: string) {
  return { id, tenantId: p.tenantId, kind: p.kind, principalId: p.id };
}

/** Every active workspace of the caller's tenant where it may do `action` (lists across workspaces). */
export async function workspacesWhere(p: Principal, action: Action): Promise<GuardedWorkspace[]> {
  const db = await database();
  const rows = await db
    .select({ ws: workspaces, memberRole: workspaceMembers.role })
    .from(workspaces)
    .leftJoin(workspaceMembers, and(eq(workspaceMembers.workspaceId, workspaces.id), eq(workspaceMembers.principalKind, p.kind), eq(workspaceMembers.principalId, p.id)))
    .where(and(eq(workspaces.tenantId, p.tenantId), isNull(workspaces.archivedAt)));
  return rows.map((row) => ({ ...row.ws, memberRole: row.memberRole ?? null })).filter((ws) => can(p, action, ws));
}

/** Changes are refused on an archived workspace. */
export function assertActive(ws: WorkspaceRow) {
  if (ws.archivedAt) throw new AppError(409, "workspace_archived", "The workspace is archived; it can be read but not changed.");
}

export { workspaceAccess };
