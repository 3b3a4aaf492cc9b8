import { runLogs } from "@/lib/engine/runs/endpoints";

export const GET = runLogs.handle;
// Logs stream for as long as the run lasts.
export const dynamic = "force-dynamic";
