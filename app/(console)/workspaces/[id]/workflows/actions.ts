"use server";

import { serverAction } from "@/lib/actions/action";
import type { WorkflowSpec } from "@/lib/workflows/model";
import * as workflows from "@/lib/workflows/service";

export const saveWorkflowAction = serverAction(
  async (principal, input: { workspaceId: string; name: string; baseVersion: number; spec: WorkflowSpec; message?: string }) => ({
    version: (await workflows.saveWorkflow(principal, input)).version.version,
  }),
  { revalidate: "/workspaces" },
);

export const restoreVersionAction = serverAction(
  async (principal, input: { workspaceId: string; name: string; version: number; baseVersion: number }) => ({
    version: (await workflows.restoreVersion(principal, input)).version.version,
  }),
  { revalidate: "/workspaces" },
);

export const createWorkflowAction = serverAction(
  async (principal, input: { workspaceId: string; name: string; description?: string }) => ({
    name: (await workflows.createWorkflow(principal, { workspaceId: input.workspaceId, name: input.name, spec: { description: input.description ?? "" } })).name,
  }),
  { revalidate: "/workspaces" },
);

export const importWorkflowAction = serverAction(
  async (principal, input: { workspaceId: string; document: string; name?: string }) => {
    const result = await workflows.importWorkflow(principal, input);
    return { name: result.name, warnings: result.warnings, problems: result.problems };
  },
  { revalidate: "/workspaces" },
);

export const deleteWorkflowAction = serverAction(workflows.deleteWorkflow, { revalidate: "/workspaces" });
