import type { GRANT_LEVELS, WorkspaceRole } from "@/db/schema";

/** Everything that can be done, as data. `can()` reads these tables; nothing else decides. */
export const TENANT_ACTIONS = [
  "workspace.list",
  "workspace.create",
  "workspace.govern",
  "client.read",
  "client.manage",
  "audit.read",
  "user.manage",
  "user.list",
  "app.list",
  "app.create",
  "bucket.list",
  "bucket.create",
  "task.list",
  "task.retry",
  "oauth_provider.list",
  "oauth_provider.manage",
] as const;
export const WORKSPACE_ACTIONS = [
  "workspace.read",
  "workspace.update",
  "workspace.archive",
  "member.read",
  "member.manage",
  "workflow.read",
  "workflow.write",
  "secret.list",
  "secret.write",
  "secret.reveal",
  "connection.list",
  "connection.manage",
  "run.read",
  "run.start",
  "trigger.manage",
] as const;
/** Actions on one app: its admins read and change it; deleting it is the platform admins' (the seed's Control Panel). */
export const APP_ACTIONS = ["app.read", "app.update", "app.delete"] as const;
/** Actions on one bucket: the level of the caller's own grant decides. */
export const BUCKET_ACTIONS = ["bucket.read", "bucket.update", "bucket.delete"] as const;
/** Actions on one user's cloud identity (IAM role and bucket grants): the user and platform admins. */
export const USER_ACTIONS = ["user.read"] as const;
export type TenantAction = (typeof TENANT_ACTIONS)[number];
export type WorkspaceAction = (typeof WORKSPACE_ACTIONS)[number];
export type AppAction = (typeof APP_ACTIONS)[number];
export type BucketAction = (typeof BUCKET_ACTIONS)[number];
export type UserAction = (typeof USER_ACTIONS)[number];
/** Storage (the seed's AccessManager): on an organization (a storage account), and on one of its spaces (containers). */
export const STORAGE_ORG_ACTIONS = ["storage_org.create", "storage_org.read", "storage_org.update"] as const;
export const SPACE_ACTIONS = ["space.read", "space.upload", "space.upload_main", "space.delete_blobs", "space.manage"] as const;
export type StorageOrgAction = (typeof STORAGE_ORG_ACTIONS)[number];
export type SpaceAction = (typeof SPACE_ACTIONS)[number];
export type Action = TenantAction | WorkspaceAction | AppAction | BucketAction | UserAction | StorageOrgAction | SpaceAction;

const VIEWER: WorkspaceAction[] = ["workspace.read", "member.read", "workflow.read", "secret.list", "connection.list", "run.read", "run.start"];
/** `trigger.manage`: schedules, webhooks and event bindings start runs without a person, so editors decide them. */
const EDITOR: WorkspaceAction[] = [...VIEWER, "workflow.write", "trigger.manage"];
/** `secret.reveal` also needs a token scope that names it (EXPLICIT_SCOPE_ACTIONS): people never read values back. */
const ADMIN: WorkspaceAction[] = [...EDITOR, "workspace.update", "workspace.archive", "member.manage", "secret.write", "secret.reveal", "connection.manage"];

export const WORKSPACE_ROLE_ACTIONS: Record<WorkspaceRole, readonly WorkspaceAction[]> = { viewer: VIEWER, editor: EDITOR, admin: ADMIN };

/** Tenant actions open to every signed-in principal of the tenant; the rest need the platform admin role. */
export const TENANT_ACTIONS_FOR_EVERYONE: readonly TenantAction[] = ["workspace.list", "app.list", "bucket.list", "task.list", "task.retry", "oauth_provider.list"];

/** What an app's own admins may do; platform admins may do every app action. Other members only list apps. */
export const APP_ADMIN_ACTIONS: readonly AppAction[] = ["app.read", "app.update"];

/** Bucket actions by the caller's grant level: readonly and readwrite differ in the data, not in Sluice. */
export const BUCKET_LEVEL_ACTIONS: Record<(typeof GRANT_LEVELS)[number], readonly BucketAction[]> = {
  readonly: ["bucket.read"],
  readwrite: ["bucket.read"],
  admin: ["bucket.read", "bucket.update", "bucket.delete"],
};

export const SCOPES = [
  "workspaces:read",
  "workspaces:write",
  "workflows:read",
  "workflows:write",
  "clients:read",
  "clients:write",
  "audit:read",
  "runs:read",
  "runs:write",
  "apps:read",
  "apps:write",
  "secrets:read",
  "secrets:write",
  "secrets:reveal",
  "storage:read",
  "storage:write",
] as const;
export type Scope = (typeof SCOPES)[number];

export const SCOPE_ACTIONS: Record<Scope, readonly Action[]> = {
  "workspaces:read": ["workspace.list", "workspace.read", "member.read"],
  "workspaces:write": ["workspace.create", "workspace.update", "workspace.archive", "workspace.govern", "member.manage"],
  "workflows:read": ["workflow.read", "secret.list"],
  "workflows:write": ["workflow.write"],
  "clients:read": ["client.read"],
  "clients:write": ["client.read", "client.manage"],
  "audit:read": ["audit.read"],
  "runs:read": ["run.read", "workflow.read"],
  "runs:write": ["run.start", "trigger.manage"],
  "apps:read": ["app.list", "app.read", "bucket.list", "bucket.read", "user.list", "user.read", "task.list"],
  "apps:write": ["app.create", "app.update", "app.delete", "bucket.create", "bucket.update", "bucket.delete", "task.retry"],
  "secrets:read": ["secret.list", "connection.list", "oauth_provider.list"],
  "secrets:write": ["secret.list", "secret.write", "connection.list", "connection.manage", "oauth_provider.list", "oauth_provider.manage"],
  "secrets:reveal": ["secret.reveal"],
  "storage:read": ["storage_org.read", "space.read"],
  "storage:write": ["storage_org.create", "storage_org.update", "space.upload", "space.upload_main", "space.delete_blobs", "space.manage"],
};

/**
 * Actions only a token whose scopes name them may do: the all-scopes marker of a signed-in person does
 * not cover them, so secret values are read back only by machine clients given `secrets:reveal` (and
 * by runs, inside the engine).
 */
export const EXPLICIT_SCOPE_ACTIONS: readonly Action[] = ["secret.reveal"];

/**
 * The seed's storage roles, as data. Organizations: `org_<org>_access` sees one, `org_all_public`
 * sees the public ones, `org_<org>_admin` edits one. Spaces, once their organization is visible:
 * `spc_<space>_<role>` by the table below; `spc_all_public` reads public spaces and nothing more.
 */
export const ORG_ALL_PUBLIC = "org_all_public";
export const SPACE_ALL_PUBLIC = "spc_all_public";
export const orgRole = (org: string, kind: "access" | "admin") => `org_${org}_${kind}`;
export const SPACE_ROLES = ["user", "supplier", "trustee"] as const;
export const spaceRole = (space: string, role: (typeof SPACE_ROLES)[number]) => `spc_${space}_${role}`;
export const SPACE_ROLE_ACTIONS: Record<(typeof SPACE_ROLES)[number], readonly SpaceAction[]> = {
  user: ["space.read"],
  supplier: ["space.read", "space.upload"],
  trustee: ["space.read", "space.upload", "space.upload_main", "space.delete_blobs"],
};
export const PUBLIC_SPACE_ACTIONS: readonly SpaceAction[] = ["space.read"];
/** Every organization's space for incoming data (created with it). */
export const LOADING_ZONE = "loadingzone";
/** In the loading zone, whoever may upload to some space of the organization may do this (so suppliers delete there). */
export const LOADING_ZONE_ACTIONS: readonly SpaceAction[] = ["space.read", "space.upload", "space.upload_main", "space.delete_blobs"];
