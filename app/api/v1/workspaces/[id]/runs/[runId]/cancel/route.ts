import { cancelRun } from "@/lib/engine/runs/endpoints";

export const POST = cancelRun.handle;
