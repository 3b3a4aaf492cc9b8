import type { Metadata } from "next";
import { RunsSection, type RunsSearch } from "@/components/runs/runs-section";
import { requirePrincipal } from "@/lib/auth/require";

export const metadata: Metadata = { title: "Runs" };

export default async function WorkspaceRunsPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<RunsSearch> }) {
  const principal = await requirePrincipal();
  const { id } = await params;
  return <RunsSection principal={principal} workspaceId={id} search={await searchParams} path={`/workspaces/${id}/runs`} />;
}
