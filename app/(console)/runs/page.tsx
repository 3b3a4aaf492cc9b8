import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/card";
import { RunsSection, type RunsSearch } from "@/components/runs/runs-section";
import { requirePrincipal } from "@/lib/auth/require";
import { listWorkspaces } from "@/lib/workspaces/service";

export const metadata: Metadata = { title: "Runs" };

/** Runs of every workspace the caller may enter, newest first. */
export default async function AllRunsPage({ searchParams }: { searchParams: Promise<RunsSearch> }) {
  const principal = await requirePrincipal();
  const { items } = await listWorkspaces(principal, { limit: 200 });
  const workspaces = Object.fromEntries(items.map((ws) => [ws.id, ws.name]));
  return (
    <>
      <PageHeader title="Runs" description="Runs in every workspace you can enter, newest first. Sub-workflow runs are listed on their parent run's page." />
      <RunsSection principal={principal} search={await searchParams} path="/runs" workspaces={workspaces} />
    </>
  );
}
