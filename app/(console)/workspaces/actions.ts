"use server";

import { serverAction } from "@/lib/actions/action";
import * as workspaces from "@/lib/workspaces/service";

export const createWorkspaceAction = serverAction(workspaces.createWorkspace, { revalidate: "/workspaces" });
export const updateWorkspaceAction = serverAction(workspaces.updateWorkspace, { revalidate: "/workspaces" });
export const archiveWorkspaceAction = serverAction(workspaces.archiveWorkspace, { revalidate: "/workspaces" });
export const addMemberAction = serverAction(workspaces.addMember, { revalidate: "/workspaces" });
export const changeMemberRoleAction = serverAction(workspaces.changeMemberRole, { revalidate: "/workspaces" });
export const removeMemberAction = serverAction(workspaces.removeMember, { revalidate: "/workspaces" });
