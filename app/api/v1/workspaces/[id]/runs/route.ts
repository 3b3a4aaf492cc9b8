import { listWorkspaceRuns } from "@/lib/engine/runs/endpoints";

export const GET = listWorkspaceRuns.handle;
