import { listAllRuns } from "@/lib/engine/runs/endpoints";

export const GET = listAllRuns.handle;
