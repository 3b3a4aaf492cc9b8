import Link from "next/link";
import { NewWorkflowButtons } from "@/components/workflows/new-workflow-buttons";
import { RunWorkflowButton } from "@/components/workflows/run-workflow-button";
import { NextPageLink } from "@/components/ui/next-page-link";
import { Badge, Card, EmptyState } from "@/components/ui/card";
import { FilterBar, FilterInput } from "@/components/ui/filter-bar";
import { Table, Td, Th } from "@/components/ui/table";
import { requirePrincipal } from "@/lib/auth/require";
import { loadOr404 } from "@/lib/not-found";
import { listWorkflows } from "@/lib/workflows/service";
import { getWorkspace } from "@/lib/workspaces/service";

export default async function WorkflowListPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ q?: string; label?: string; cursor?: string }> }) {
  const principal = await requirePrincipal();
  const { id } = await params;
  const search = await searchParams;
  const ws = await loadOr404(() => getWorkspace(principal, { id }));
  const page = await loadOr404(() => listWorkflows(principal, { workspaceId: id, q: search.q || undefined, label: search.label || undefined, cursor: search.cursor }));
  const mayEdit = (ws.access === "editor" || ws.access === "admin") && !ws.archived;
  const mayRun = !ws.archived;
  return (
    <>
      <div className="mb-4 flex flex-wrap items-end justify-between gap-3">
        <FilterBar label="Search workflows">
          <FilterInput name="q" label="Search" defaultValue={search.q} placeholder="Name or description" className="w-64" />
          <FilterInput name="label" label="Label" defaultValue={search.label} placeholder="team=data" className="w-40" />
        </FilterBar>
        {mayEdit && <NewWorkflowButtons workspaceId={id} />}
      </div>
      {page.items.length === 0 ? (
        <EmptyState title={search.q || search.label ? "No workflow matches" : "No workflows yet"}>
          {mayEdit ? "Create one and build it on the canvas, or import an Argo Workflows YAML file." : "Editors of this workspace can create workflows."}
        </EmptyState>
      ) : (
        <Card>
          <Table aria-label="Workflows">
            <thead>
              <tr>
                <Th>Name</Th>
                <Th>Labels</Th>
                <Th>Steps</Th>
                <Th>Version</Th>
                <Th>Last change</Th>
                {mayRun && (
                  <Th>
                    <span className="sr-only">Run</span>
                  </Th>
                )}
              </tr>
            </thead>
            <tbody>
              {page.items.map((wf) => (
                <tr key={wf.name}>
                  <Td>
                    <Link href={`/workspaces/${id}/workflows/${wf.name}`} className="font-medium text-accent hover:underline">
                      {wf.name}
                    </Link>
                    {wf.description && <div className="max-w-md text-xs text-fg-muted">{wf.description}</div>}
                  </Td>
                  <Td>
                    <div className="flex flex-wrap gap-1">
                      {Object.entries(wf.labels).map(([k, v]) => (
                        <Link key={k} href={`/workspaces/${id}/workflows?label=${encodeURIComponent(`${k}=${v}`)}`}>
                          <Badge>
                            {k}={v}
                          </Badge>
                        </Link>
                      ))}
                    </div>
                  </Td>
                  <Td>{wf.stepCount}</Td>
                  <Td>v{wf.latestVersion}</Td>
                  <Td className="text-xs">
                    <time dateTime={wf.updatedAt}>{wf.updatedAt.replace("T", " ").slice(0, 16)}</time>
                    <div className="text-fg-muted">{wf.updatedBy}</div>
                  </Td>
                  {mayRun && (
                    <Td className="text-right">
                      <RunWorkflowButton workspaceId={id} workflow={wf.name} variant="secondary" />
                    </Td>
                  )}
                </tr>
              ))}
            </tbody>
          </Table>
        </Card>
      )}
      <NextPageLink path={`/workspaces/${id}/workflows`} search={{ q: search.q, label: search.label }} cursor={page.nextCursor} />
    </>
  );
}
