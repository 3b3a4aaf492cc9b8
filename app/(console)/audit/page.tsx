import type { Metadata } from "next";
import Link from "next/link";
import { AuditChange } from "@/components/audit/audit-change";
import { Button } from "@/components/ui/button";
import { NextPageLink } from "@/components/ui/next-page-link";
import { Card, EmptyState, PageHeader } from "@/components/ui/card";
import { FilterBar, FilterInput, FilterSelect } from "@/components/ui/filter-bar";
import { Table, Td, Th } from "@/components/ui/table";
import type { AuditQuery } from "@/lib/audit/schema";
import { listAudit } from "@/lib/audit/service";
import { requirePrincipal } from "@/lib/auth/require";
import { loadOr404 } from "@/lib/not-found";

export const metadata: Metadata = { title: "Audit log" };

const TARGETS = ["workspace", "member", "client", "user", "tenant", "workflow"];

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const principal = await requirePrincipal();
  const search = await searchParams;
  const query: AuditQuery = {
    action: search.action || undefined,
    actor: search.actor || undefined,
    targetType: search.targetType || undefined,
    cursor: search.cursor || undefined,
    since: search.since ? new Date(search.since).toISOString() : undefined,
    limit: 50,
  };
  const page = await loadOr404(() => listAudit(principal, query));
  return (
    <>
      <PageHeader title="Audit log" description="Every change, by whom and when, with the state before and after." />
      <FilterBar
        label="Filter the audit log"
        extra={
          <Button asChild variant="ghost">
            <Link href="/audit">Clear</Link>
          </Button>
        }
      >
        <FilterInput name="action" label="Action" defaultValue={search.action} placeholder="e.g. workspace." className="w-44" />
        <FilterInput name="actor" label="Actor" defaultValue={search.actor} placeholder="name or id" />
        <FilterSelect name="targetType" label="Object" defaultValue={search.targetType ?? ""} options={[{ value: "", label: "All objects" }, ...TARGETS.map((t) => ({ value: t, label: t }))]} />
        <FilterInput name="since" label="Since" type="date" defaultValue={search.since} className="w-40" />
      </FilterBar>
      {page.items.length === 0 ? (
        <EmptyState title="Nothing recorded for these filters" />
      ) : (
        <Card>
          <Table aria-label="Audit events">
            <thead>
              <tr>
                <Th>When</Th>
                <Th>Who</Th>
                <Th>Action</Th>
                <Th>Object</Th>
                <Th>Change</Th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((e) => (
                <tr key={e.id} data-testid="audit-row">
                  <Td className="whitespace-nowrap text-xs text-fg-muted">
                    <time dateTime={e.at}>{e.at.replace("T", " ").slice(0, 19)}</time>
                  </Td>
                  <Td className="text-xs">{e.actor.name}</Td>
                  <Td>
                    <code className="text-xs">{e.action}</code>
                  </Td>
                  <Td className="text-xs">
                    {e.target.type} <span className="text-fg-muted">{e.target.id.slice(0, 13)}</span>
                  </Td>
                  <Td>
                    <AuditChange before={e.before} after={e.after} />
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </Card>
      )}
      <NextPageLink path="/audit" search={search} cursor={page.nextCursor} label="Older events" />
    </>
  );
}
