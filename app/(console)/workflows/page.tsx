import type { Metadata } from "next";
import Link from "next/link";
import { Card, EmptyState, PageHeader } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import { requirePrincipal } from "@/lib/auth/require";
import { listRecentWorkflows } from "@/lib/workflows/service";

export const metadata: Metadata = { title: "Workflows" };

/** Recently changed workflows across the workspaces the caller may enter. */
export default async function AllWorkflowsPage() {
  const principal = await requirePrincipal();
  const { items: rows } = await listRecentWorkflows(principal);
  return (
    <>
      <PageHeader title="Workflows" description="Every workflow in the workspaces you can enter, most recently changed first." />
      {rows.length === 0 ? (
        <EmptyState title="No workflows yet">Open a workspace and create one under its Workflows tab.</EmptyState>
      ) : (
        <Card>
          <Table aria-label="All workflows">
            <thead>
              <tr>
                <Th>Workflow</Th>
                <Th>Workspace</Th>
                <Th>Steps</Th>
                <Th>Last change</Th>
              </tr>
            </thead>
            <tbody>
              {rows.map(({ workspace: ws, workflow: wf }) => (
                <tr key={`${ws.id}/${wf.name}`}>
                  <Td>
                    <Link href={`/workspaces/${ws.id}/workflows/${wf.name}`} className="font-medium text-accent hover:underline">
                      {wf.name}
                    </Link>
                  </Td>
                  <Td>
                    <Link href={`/workspaces/${ws.id}/workflows`} className="hover:underline">
                      {ws.name}
                    </Link>
                  </Td>
                  <Td>{wf.stepCount}</Td>
                  <Td className="text-xs">
                    {wf.updatedAt.replace("T", " ").slice(0, 16)} <span className="text-fg-muted">by {wf.updatedBy}</span>
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </Card>
      )}
    </>
  );
}
