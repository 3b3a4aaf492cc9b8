import type { WorkflowSpec } from "@/lib/workflows/model";

/** The REST reads the builder makes with the browser session. */
export type VersionInfo = { version: number; message: string; author: { id: string; name: string }; createdAt: string };
export type VersionDetail = VersionInfo & { spec: WorkflowSpec };

export function workflowUrl(workspaceId: string, name: string): string {
  return `/api/v1/workspaces/${encodeURIComponent(workspaceId)}/workflows/${encodeURIComponent(name)}`;
}

export function exportUrl(workspaceId: string, name: string, format: "argo" | "sluice", version: number): string {
  return `${workflowUrl(workspaceId, name)}/export?format=${format}&version=${version}`;
}

/** A GET of the REST API with the browser session; a problem+json answer becomes an error with its title. */
export async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { headers: { accept: "application/json" }, credentials: "same-origin", cache: "no-store" });
  if (!response.ok) {
    const body = (await response.json().catch(() => undefined)) as { title?: string; message?: string; error?: { message?: string } } | undefined;
    throw new Error(body?.title ?? body?.message ?? body?.error?.message ?? `The server answered ${response.status}.`);
  }
  return (await response.json()) as T;
}

export function fetchVersions(workspaceId: string, name: string): Promise<{ items: VersionInfo[] }> {
  return getJson(`${workflowUrl(workspaceId, name)}/versions`);
}

export function fetchVersion(workspaceId: string, name: string, version: number): Promise<VersionDetail> {
  return getJson(`${workflowUrl(workspaceId, name)}/versions/${version}`);
}
