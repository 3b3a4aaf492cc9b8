import { createWorkspace, listWorkspaces } from "@/lib/workspaces/endpoints";

export const GET = listWorkspaces.handle;
export const POST = createWorkspace.handle;
