import type { RunSummary } from "@/lib/engine/runs/schema";

/** Where the runs UI reads from: the REST API, with the browser session. */
export function runsUrl(workspaceId?: string): string {
  return workspaceId ? `/api/v1/workspaces/${encodeURIComponent(workspaceId)}/runs` : "/api/v1/runs";
}

export function runUrl(workspaceId: string, runId: string): string {
  return `${runsUrl(workspaceId)}/${encodeURIComponent(runId)}`;
}

/** A run's log: all of it, or one step's (`step`); `download` answers it as a file. */
export function logsUrl(workspaceId: string, runId: string, options: { step?: number; download?: boolean } = {}): string {
  const params = new URLSearchParams();
  if (options.step !== undefined) params.set("step", String(options.step));
  if (options.download) params.set("download", "1");
  const query = params.toString();
  return `${runUrl(workspaceId, runId)}/logs${query ? `?${query}` : ""}`;
}

/** The console page of a run. */
export function runPage(run: Pick<RunSummary, "workspaceId" | "id">): string {
  return `/workspaces/${run.workspaceId}/runs/${run.id}`;
}

/** A run that has not ended yet: the views that show one poll for changes. */
export function isActive(run: Pick<RunSummary, "state">): boolean {
  return run.state === "queued" || run.state === "running";
}

/** How often views poll while something they show is active. */
export const LIVE_INTERVAL_MS = 1500;
