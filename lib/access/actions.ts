import type { WorkspaceRole } from "@/db/schema";

/** Everything that can be done, as data. `can()` reads these tables; nothing else decides. */
export const TENANT_ACTIONS = ["workspace.list", "workspace.create", "workspace.govern", "client.read", "client.manage", "audit.read", "user.manage"] as const;
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
  "run.read",
  "run.start",
  "trigger.manage",
] as const;
export type TenantAction = (typeof TENANT_ACTIONS)[number];
export type WorkspaceAction = (typeof WORKSPACE_ACTIONS)[number];
export type Action = TenantAction | WorkspaceAction;

const VIEWER: WorkspaceAction[] = ["workspace.read", "member.read", "workflow.read", "secret.list", "run.read", "run.start"];
/** `trigger.manage`: schedules, webhooks and event bindings start runs without a person, so editors decide them. */
const EDITOR: WorkspaceAction[] = [...VIEWER, "workflow.write", "trigger.manage"];
const ADMIN: WorkspaceAction[] = [...EDITOR, "workspace.update", "workspace.archive", "member.manage", "secret.write"];

export const WORKSPACE_ROLE_ACTIONS: Record<WorkspaceRole, readonly WorkspaceAction[]> = { viewer: VIEWER, editor: EDITOR, admin: ADMIN };

/** Tenant actions open to every signed-in principal of the tenant; the rest need the platform admin role. */
export const TENANT_ACTIONS_FOR_EVERYONE: readonly TenantAction[] = ["workspace.list"];

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
};
