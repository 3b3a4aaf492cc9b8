import type { CONFIDENTIALITIES, GRANT_LEVELS, WorkspaceRole } from "@/db/schema";
import type { Principal } from "@/lib/auth/principal";
import { ALL_SCOPES_MARKER } from "@/lib/auth/principal";
import { recordDenied } from "@/lib/audit/denied";
import { forbidden, notFound } from "@/lib/errors";
import {
  APP_ACTIONS,
  APP_ADMIN_ACTIONS,
  BUCKET_ACTIONS,
  BUCKET_LEVEL_ACTIONS,
  EXPLICIT_SCOPE_ACTIONS,
  LOADING_ZONE,
  LOADING_ZONE_ACTIONS,
  ORG_ALL_PUBLIC,
  orgRole,
  PUBLIC_SPACE_ACTIONS,
  SCOPE_ACTIONS,
  SPACE_ACTIONS,
  SPACE_ALL_PUBLIC,
  SPACE_ROLE_ACTIONS,
  SPACE_ROLES,
  spaceRole,
  STORAGE_ORG_ACTIONS,
  TENANT_ACTIONS,
  TENANT_ACTIONS_FOR_EVERYONE,
  USER_ACTIONS,
  WORKSPACE_ACTIONS,
  WORKSPACE_ROLE_ACTIONS,
  type Action,
  type AppAction,
  type BucketAction,
  type Scope,
  type SpaceAction,
  type StorageOrgAction,
  type TenantAction,
  type UserAction,
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
  return p.scopes.some(
    (scope) => (scope === ALL_SCOPES_MARKER && !EXPLICIT_SCOPE_ACTIONS.includes(action)) || (Object.hasOwn(SCOPE_ACTIONS, scope) && SCOPE_ACTIONS[scope as Scope].includes(action)),
  );
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

/** An app for access decisions: whether the caller is one of its admins. */
export type AppGuard = { tenantId: string; appAdmin: boolean };
/** A bucket for access decisions: the level of the caller's own grant on it, if any. */
export type BucketGuard = { tenantId: string; grantLevel: (typeof GRANT_LEVELS)[number] | null };
/** A user whose cloud identity is asked about. */
export type UserGuard = { tenantId: string; userId: string };
type Confidentiality = (typeof CONFIDENTIALITIES)[number];
/** A storage organization for access decisions. */
export type StorageOrgGuard = { tenantId: string; org: { name: string; confidentiality: Confidentiality } };
/** A space: its organization, itself with its owning workspace, and the names of the organization's spaces (the loading-zone rule). */
export type SpaceGuard = StorageOrgGuard & { space: { name: string; confidentiality: Confidentiality; workspace: WorkspaceGuard | null }; orgSpaces: readonly string[] };
export type Target = { tenantId: string } | WorkspaceGuard | AppGuard | BucketGuard | UserGuard | StorageOrgGuard | SpaceGuard;

const isIn =
  <A extends Action>(actions: readonly A[]) =>
  (action: Action): action is A =>
    (actions as readonly Action[]).includes(action);
const isTenantAction = isIn<TenantAction>(TENANT_ACTIONS);
const isWorkspaceAction = isIn<WorkspaceAction>(WORKSPACE_ACTIONS);
const isAppAction = isIn<AppAction>(APP_ACTIONS);
const isBucketAction = isIn<BucketAction>(BUCKET_ACTIONS);
const isUserAction = isIn<UserAction>(USER_ACTIONS);
const isStorageOrgAction = isIn<StorageOrgAction>(STORAGE_ORG_ACTIONS);
const isSpaceAction = isIn<SpaceAction>(SPACE_ACTIONS);

/** The seed's SDK_ADMIN: passes every storage check. Platform admins do too. */
export function storageAdminRole() {
  return process.env.SLUICE_STORAGE_ADMIN_ROLE || "SDK_ADMIN";
}

function isStorageAdmin(p: Principal) {
  return isPlatformAdmin(p) || p.roles.includes(storageAdminRole());
}

/** Whether the caller sees the organization: `org_<org>_access` or `_admin`, `org_all_public` for public ones only. */
export function storageOrgVisible(p: Principal, guard: StorageOrgGuard) {
  if (p.tenantId !== guard.tenantId) return false;
  const { name, confidentiality } = guard.org;
  return isStorageAdmin(p) || [orgRole(name, "access"), orgRole(name, "admin")].some((role) => p.roles.includes(role)) || (confidentiality === "public" && p.roles.includes(ORG_ALL_PUBLIC));
}

function storageOrgAllows(p: Principal, action: StorageOrgAction, guard: StorageOrgGuard) {
  if (isStorageAdmin(p)) return true;
  if (action === "storage_org.read") return storageOrgVisible(p, guard);
  return action === "storage_org.update" && p.roles.includes(orgRole(guard.org.name, "admin"));
}

/** What the caller's roles allow in a space whose organization it sees (admins aside). */
function spaceRoleActions(p: Principal, guard: SpaceGuard): Set<SpaceAction> {
  const held = (space: string) => SPACE_ROLES.filter((role) => p.roles.includes(spaceRole(space, role))).flatMap((role) => SPACE_ROLE_ACTIONS[role]);
  const { space } = guard;
  const actions = new Set<SpaceAction>();
  if (space.name === LOADING_ZONE) {
    if (guard.orgSpaces.some((name) => held(name).includes("space.upload"))) LOADING_ZONE_ACTIONS.forEach((a) => actions.add(a));
  } else {
    held(space.name).forEach((a) => actions.add(a));
    if (space.confidentiality === "public" && p.roles.includes(SPACE_ALL_PUBLIC)) PUBLIC_SPACE_ACTIONS.forEach((a) => actions.add(a));
  }
  if (p.roles.includes(orgRole(guard.org.name, "admin")) || (space.workspace !== null && workspaceAccess(p, space.workspace) === "admin")) actions.add("space.manage");
  return actions;
}

function spaceAllows(p: Principal, action: SpaceAction, guard: SpaceGuard) {
  return storageOrgVisible(p, guard) && (isStorageAdmin(p) || spaceRoleActions(p, guard).has(action));
}

/** What the caller may do in the space (for the UI: which buttons to show). */
export function allowedSpaceActions(p: Principal, guard: SpaceGuard): SpaceAction[] {
  return SPACE_ACTIONS.filter((action) => can(p, action, guard));
}

/** Whether the caller may know the bucket exists: only through a grant of its own (or as platform admin). */
export function bucketVisible(p: Principal, bucket: BucketGuard) {
  return p.tenantId === bucket.tenantId && (isPlatformAdmin(p) || bucket.grantLevel !== null);
}

function isSelf(p: Principal, user: UserGuard) {
  return p.kind === "user" && p.id === user.userId;
}

/**
 * The one access decision. Tenant actions take the tenant id; workspace, app, bucket and user actions
 * the guard of their object.
 */
export function can(p: Principal, action: Action, target: Target): boolean {
  if (p.tenantId !== target.tenantId || !scopeAllows(p, action)) return false;
  if (isWorkspaceAction(action)) {
    const access = workspaceAccess(p, target as WorkspaceGuard);
    return access !== "none" && WORKSPACE_ROLE_ACTIONS[access].includes(action);
  }
  if (isPlatformAdmin(p)) return true;
  if (isAppAction(action)) return (target as AppGuard).appAdmin && APP_ADMIN_ACTIONS.includes(action);
  if (isBucketAction(action)) {
    const level = (target as BucketGuard).grantLevel;
    return level !== null && BUCKET_LEVEL_ACTIONS[level].includes(action);
  }
  if (isUserAction(action)) return isSelf(p, target as UserGuard);
  if (isStorageOrgAction(action)) return storageOrgAllows(p, action, target as StorageOrgGuard);
  if (isSpaceAction(action)) return spaceAllows(p, action, target as SpaceGuard);
  return TENANT_ACTIONS_FOR_EVERYONE.includes(action as TenantAction);
}

/** Whether a refusal hides the object (404): another tenant's, a workspace not entered, a bucket without a grant, another user. */
function hiddenFrom(p: Principal, action: Action, target: Target) {
  if (p.tenantId !== target.tenantId) return true;
  if (isWorkspaceAction(action)) return workspaceAccess(p, target as WorkspaceGuard) === "none";
  if (isBucketAction(action)) return !bucketVisible(p, target as BucketGuard);
  if (isUserAction(action)) return !isPlatformAdmin(p) && !isSelf(p, target as UserGuard);
  if (isStorageOrgAction(action)) return "org" in target && !storageOrgVisible(p, target);
  if (isSpaceAction(action)) return !storageOrgVisible(p, target as SpaceGuard) || (!isStorageAdmin(p) && spaceRoleActions(p, target as SpaceGuard).size === 0);
  return false;
}

/**
 * Throws unless allowed. A workspace the caller may not enter is a 404 (nothing about it leaks), as is
 * a bucket it holds no grant on and another user's cloud identity; one it may see but not act on is a
 * 403, as is a missing token scope. Apps are listed to every member, so their refusals are 403s.
 */
export function authorize(p: Principal, action: Action, target: Target & { id?: string }, what = "workspace") {
  if (can(p, action, target)) return;
  const hidden = hiddenFrom(p, action, target);
  recordDenied(p, action, target, hidden ? 404 : 403, isTenantAction(action) ? "tenant" : what);
  if (hidden) throw notFound(what);
  if (!scopeAllows(p, action)) throw forbidden(`This token lacks a scope that allows ${action}.`);
  throw forbidden(`Your role does not allow ${action}.`);
}
