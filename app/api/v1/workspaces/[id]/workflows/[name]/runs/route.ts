import { startRun } from "@/lib/engine/runs/endpoints";

export const POST = startRun.handle;
