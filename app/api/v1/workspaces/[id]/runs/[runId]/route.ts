import { getRun } from "@/lib/engine/runs/endpoints";

export const GET = getRun.handle;
