import { retryRun } from "@/lib/engine/runs/endpoints";

export const POST = retryRun.handle;
