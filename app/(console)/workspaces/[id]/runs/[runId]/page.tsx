import type { Metadata } from "next";
import Link from "next/link";
import { RunView } from "@/components/runs/run-view";
import { can } from "@/lib/access/policy";
import { requirePrincipal } from "@/lib/auth/require";
import { getRun } from "@/lib/engine/runs/service";
import { loadOr404 } from "@/lib/not-found";
import { validationContext } from "@/lib/workflows/service";
import { enterWorkspace } from "@/lib/workspaces/guard";

export async function generateMetadata({ params }: { params: Promise<{ runId: string }> }): Promise<Metadata> {
  return { title: `Run ${(await params).runId.slice(0, 8)}` };
}

export default async function RunPage({ params }: { params: Promise<{ id: string; runId: string }> }) {
  const principal = await requirePrincipal();
  const { id, runId } = await params;
  const run = await loadOr404(() => getRun(principal, { workspaceId: id, runId, include: "descendants" }));
  const ws = await loadOr404(() => enterWorkspace(principal, id, "run.read"));
  const mayStart = can(principal, "run.start", ws);
  return (
    <>
      <nav aria-label="Run" className="mb-3 text-sm">
        <Link href={`/workspaces/${id}/runs`} className="text-fg-muted hover:underline">
          ← All runs of this workspace
        </Link>
      </nav>
      <RunView initial={run} context={await validationContext(ws, run.workflow.name)} mayCancel={mayStart} mayRetry={mayStart && !ws.archivedAt} />
    </>
  );
}
