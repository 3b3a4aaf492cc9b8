import { archiveWorkspace, getWorkspace, updateWorkspace } from "@/lib/workspaces/endpoints";

export const GET = getWorkspace.handle;
export const PATCH = updateWorkspace.handle;
export const DELETE = archiveWorkspace.handle;
