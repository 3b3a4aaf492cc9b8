import type { WorkspaceRole } from "@/db/schema";
import type { Principal } from "@/lib/auth/principal";
import { ALL_SCOPES_MARKER } from "@/lib/auth/principal";
import { recordDenied } from "@/lib/audit/denied";
import { forbidden, notFound } from "@/lib/errors";
import {
  SCOPE_ACTIONS,
  TENANT_ACTIONS_FOR_EVERYONE,
  WORKSPACE_ACTIONS,
  WORKSPACE_ROLE_ACTIONS,
  type Action,
  type Scope,
  type TenantAction,
  type WorkspaceAction,
} from "./actions";
import { roleFromRules } from "./rules";

export type WorkspaceAccess = "none" | WorkspaceRole;
const STRENGTH: Record<WorkspaceAccess, number> = { none: 0, viewer: 1, editor: 2, admin: 3 };

export function adminRole() {
  return process.env.SLUICE_ADMIN_ROLE || "sluice-admin";
}

export function isPlatformAdmin(p: Principal) {
  return p.roles.includes(adminRole());
}

export function scopeAllows(p: Principal, action: Action) {
  return p.scopes.some((scope) => scope === ALL_SCOPES_MARKER || (Object.hasOwn(SCOPE_ACTIONS, scope) && SCOPE_ACTIONS[scope as Scope].includes(action)));
}

/** What a workspace knows about itself for access decisions. */
export type WorkspaceGuard = { tenantId: string; accessRules: string[][]; hidden: boolean; memberRole?: WorkspaceRole | null };

/** The caller's effective role in a workspace: the strongest of membership, role rules and platform admin. */
export function workspaceAccess(p: Principal, ws: WorkspaceGuard): WorkspaceAccess {
  if (p.tenantId !== ws.tenantId) return "none";
  if (isPlatformAdmin(p)) return "admin";
  const candidates: WorkspaceAccess[] = [ws.memberRole ?? "none", roleFromRules(ws.accessRules, p.roles) ?? "none"];
  return candidates.reduce((best, next) => (STRENGTH[next] > STRENGTH[best] ? next : best), "none");
}

/** Whether the caller sees that the workspace exists at all. */
export function workspaceVisible(p: Principal, ws: WorkspaceGuard) {
  return p.tenantId === ws.tenantId && (!ws.hidden || workspaceAccess(p, ws) !== "none");
}

function isWorkspaceAction(action: Action): action is WorkspaceAction {
  return (WORKSPACE_ACTIONS as readonly string[]).includes(action);
}

/** The one access decision. Tenant actions take the tenant id; workspace actions the workspace. */
export function can(p: Principal, action: Action, target: { tenantId: string } | WorkspaceGuard): boolean {
  if (p.tenantId !== target.tenantId || !scopeAllows(p, action)) return false;
  if (isWorkspaceAction(action)) {
    const access = workspaceAccess(p, target as WorkspaceGuard);
    return access !== "none" && WORKSPACE_ROLE_ACTIONS[access].includes(action);
  }
  return TENANT_ACTIONS_FOR_EVERYONE.includes(action as TenantAction) || isPlatformAdmin(p);
}

/**
 * Throws unless allowed. A workspace the caller may not enter is a 404 (nothing about it leaks);
 * one it may enter but not act on is a 403, as is a missing token scope.
 */
export function authorize(p: Principal, action: Action, target: { tenantId: string; id?: string } | WorkspaceGuard, what = "workspace") {
  if (can(p, action, target)) return;
  const hidden = p.tenantId !== target.tenantId || (isWorkspaceAction(action) && workspaceAccess(p, target as WorkspaceGuard) === "none");
  recordDenied(p, action, target as { tenantId: string; id?: string }, hidden ? 404 : 403, isWorkspaceAction(action) ? what : "tenant");
  if (hidden) throw notFound(what);
  if (!scopeAllows(p, action)) throw forbidden(`This token lacks a scope that allows ${action}.`);
  throw forbidden(`Your role does not allow ${action}.`);
}
