import type { Metadata } from "next";
import Link from "next/link";
import { CreateWorkspaceDialog } from "@/components/workspaces/create-workspace-dialog";
import { AccessBadge, RulesSummary } from "@/components/workspaces/access-badge";
import { NextPageLink } from "@/components/ui/next-page-link";
import { Badge, Card, EmptyState, PageHeader } from "@/components/ui/card";
import { FilterBar, FilterInput, FilterSelect } from "@/components/ui/filter-bar";
import { Table, Td, Th } from "@/components/ui/table";
import { can } from "@/lib/access/policy";
import { requirePrincipal } from "@/lib/auth/require";
import { listWorkspaces } from "@/lib/workspaces/service";

export const metadata: Metadata = { title: "Workspaces" };

type Search = { q?: string; archived?: "include" | "exclude" | "only"; cursor?: string };

export default async function WorkspacesPage({ searchParams }: { searchParams: Promise<Search> }) {
  const principal = await requirePrincipal();
  const search = await searchParams;
  const page = await listWorkspaces(principal, { q: search.q || undefined, archived: search.archived, cursor: search.cursor, limit: 50 });
  const mayCreate = can(principal, "workspace.create", { tenantId: principal.tenantId });
  return (
    <>
      <PageHeader title="Workspaces" description="Each workspace isolates a team's workflows, runs and secrets." actions={mayCreate ? <CreateWorkspaceDialog /> : undefined} />
      <FilterBar label="Filter workspaces">
        <FilterInput name="q" label="Search" defaultValue={search.q} placeholder="Name contains…" className="w-64" />
        <FilterSelect
          name="archived"
          label="Archived"
          defaultValue={search.archived ?? "exclude"}
          options={[
            { value: "exclude", label: "Hide archived" },
            { value: "include", label: "Show archived" },
            { value: "only", label: "Only archived" },
          ]}
        />
      </FilterBar>
      {page.items.length === 0 ? (
        <EmptyState title={search.q ? "No workspace matches" : "No workspaces yet"}>{mayCreate ? "Create the first one with “New workspace”." : "Ask an admin to give you access."}</EmptyState>
      ) : (
        <Card>
          <Table>
            <thead>
              <tr>
                <Th>Name</Th>
                <Th>Description</Th>
                <Th>Access rules</Th>
                <Th>Your access</Th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((ws) => (
                <tr key={ws.id}>
                  <Td className="font-medium">
                    <Link href={`/workspaces/${ws.id}`} className="text-accent hover:underline">
                      {ws.name}
                    </Link>
                    <span className="ml-2 space-x-1">
                      {ws.hidden && <Badge>hidden</Badge>}
                      {ws.archived && <Badge tone="warn">archived</Badge>}
                    </span>
                  </Td>
                  <Td className="max-w-sm text-fg-muted">{ws.description}</Td>
                  <Td>{ws.access === "none" ? <span className="text-fg-muted">—</span> : <RulesSummary rules={ws.accessRules} />}</Td>
                  <Td>
                    <AccessBadge access={ws.access} />
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </Card>
      )}
      <NextPageLink path="/workspaces" search={{ q: search.q, archived: search.archived }} cursor={page.nextCursor} />
    </>
  );
}
