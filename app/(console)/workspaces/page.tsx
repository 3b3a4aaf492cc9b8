import type { Metadata } from "next";
import Link from "next/link";
import { CreateWorkspaceDialog } from "@/components/workspaces/create-workspace-dialog";
import { AccessBadge, RulesSummary } from "@/components/workspaces/access-badge";
import { Button } from "@/components/ui/button";
import { Badge, Card, EmptyState, PageHeader } from "@/components/ui/card";
import { Input, Select } from "@/components/ui/field";
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
      <form className="mb-4 flex flex-wrap items-end gap-2" role="search">
        <div>
          <label htmlFor="q" className="block text-xs text-fg-muted">
            Search
          </label>
          <Input id="q" name="q" defaultValue={search.q} placeholder="Name contains…" className="w-64" />
        </div>
        <div>
          <label htmlFor="archived" className="block text-xs text-fg-muted">
            Archived
          </label>
          <Select id="archived" name="archived" defaultValue={search.archived ?? "exclude"} className="w-40">
            <option value="exclude">Hide archived</option>
            <option value="include">Show archived</option>
            <option value="only">Only archived</option>
          </Select>
        </div>
        <Button type="submit" variant="secondary">
          Filter
        </Button>
      </form>
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
      {page.nextCursor && (
        <div className="mt-4 flex justify-end">
          <Button asChild variant="secondary">
            <Link href={`/workspaces?${new URLSearchParams({ ...(search.q ? { q: search.q } : {}), archived: search.archived ?? "exclude", cursor: page.nextCursor })}`}>Next page</Link>
          </Button>
        </div>
      )}
    </>
  );
}
