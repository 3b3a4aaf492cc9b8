import { z } from "zod";
import { WORKSPACE_ROLES } from "@/db/schema";
import { accessRulesInput } from "@/lib/access/rules";
import { STEP_KINDS } from "@/lib/workflows/model";

export const workspaceName = z
  .string()
  .trim()
  .min(1, "a name is required")
  .max(100)
  .regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/, "letters, digits, spaces, '.', '_' and '-', starting with a letter or digit");

export const workspaceRole = z.enum(WORKSPACE_ROLES);
export const workspaceAccessLevel = z.enum(["none", ...WORKSPACE_ROLES]);

export const workspace = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string(),
  accessRules: z.array(z.array(z.string())).optional().describe("list of role lists; omitted when access is none"),
  hidden: z.boolean().optional(),
  archived: z.boolean().optional(),
  access: workspaceAccessLevel.describe("the caller's effective role in this workspace"),
  version: z.number().int().optional(),
  maxConcurrentRuns: z.number().int().nullable().optional().describe("runs that may run at once (null: no limit); more wait as queued"),
  runVisibility: z.enum(["all", "own"]).optional().describe("all: members see every run; own: viewers see only the runs they started"),
  allowedStepKinds: z.array(z.enum(STEP_KINDS)).nullable().optional().describe("step kinds its workflows may use (null: all); set by tenant admins"),
  engine: z.enum(["local", "argo"]).nullable().optional().describe("the engine its runs use (null: the installation's); set by tenant admins"),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
});
export type Workspace = z.infer<typeof workspace>;

export const workspacePage = z.object({ items: z.array(workspace), nextCursor: z.string().nullable() });

export const createWorkspaceInput = z.strictObject({
  name: workspaceName,
  description: z.string().max(2000).default(""),
  accessRules: accessRulesInput.default([]),
  hidden: z.boolean().default(false),
});

export const updateWorkspaceInput = z.strictObject({
  name: workspaceName.optional(),
  description: z.string().max(2000).optional(),
  accessRules: accessRulesInput.optional(),
  hidden: z.boolean().optional(),
  maxConcurrentRuns: z.number().int().min(1).max(10_000).nullable().optional(),
  runVisibility: z.enum(["all", "own"]).optional(),
  allowedStepKinds: z
    .array(z.enum(STEP_KINDS))
    .max(STEP_KINDS.length)
    .nullable()
    .optional()
    .describe("only tenant admins (the platform admin role) may change it"),
  engine: z.enum(["local", "argo"]).nullable().optional().describe("the engine its runs use (null: the installation's); only tenant admins may change it"),
});

export const listWorkspacesQuery = z.strictObject({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  archived: z.enum(["include", "exclude", "only"]).default("exclude"),
  q: z.string().max(100).optional().describe("case-insensitive part of the name"),
});

export const member = z.object({
  kind: z.enum(["user", "client"]),
  id: z.uuid(),
  name: z.string(),
  subject: z.string().describe("e-mail of a user, client_id of a client"),
  role: workspaceRole,
  addedAt: z.string(),
});
export type Member = z.infer<typeof member>;

export const addMemberInput = z
  .strictObject({
    email: z.email().optional(),
    clientId: z.string().min(1).optional(),
    role: workspaceRole,
  })
  .refine((v) => (v.email ? 1 : 0) + (v.clientId ? 1 : 0) === 1, { message: "give exactly one of email or clientId", path: ["email"] });

export const changeMemberInput = z.strictObject({ role: workspaceRole });
export const memberList = z.object({ items: z.array(member) });
