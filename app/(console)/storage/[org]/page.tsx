import Link from "next/link";
import { OrganizationActions } from "@/components/storage/organization-actions";
import { ConfidentialityBadge } from "@/components/storage/labels";
import { Card, EmptyState, PageHeader } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import { CONFIDENTIALITIES } from "@/db/schema";
import { requirePrincipal } from "@/lib/auth/require";
import { loadOr404 } from "@/lib/not-found";
import { getOrganization } from "@/lib/storage/organizations";
import { listSpaces } from "@/lib/storage/spaces";
import { listWorkspaces } from "@/lib/workspaces/service";

export default async function OrganizationPage({ params }: { params: Promise<{ org: string }> }) {
  const principal = await requirePrincipal();
  const { org: name } = await params;
  const org = await loadOr404(() => getOrganization(principal, { org: name }));
  const { items: spaces } = await listSpaces(principal, { org: org.name });
  const workspaces = org.canAdminister ? (await listWorkspaces(principal, { limit: 100 })).items.map((ws) => ({ id: ws.id, name: ws.name })) : [];
  const workspaceName = new Map(workspaces.map((ws) => [ws.id, ws.name]));
  return (
    <>
      <PageHeader
        title={
          <span className="flex items-center gap-2">
            <Link href="/storage" className="text-fg-muted hover:underline">
              Storage
            </Link>
            <span className="text-fg-muted">/</span> {org.name} <ConfidentialityBadge value={org.confidentiality} />
          </span>
        }
        description={`${org.description ? `${org.description} — ` : ""}account ${org.accountName} at ${org.blobEndpoint}`}
        actions={org.canAdminister && <OrganizationActions organization={org} workspaces={workspaces} confidentialities={CONFIDENTIALITIES} />}
      />
      {spaces.length === 0 ? (
        <EmptyState title="No space you have a role in">Spaces are reached with spc_&lt;space&gt;_user, _supplier or _trustee.</EmptyState>
      ) : (
        <Card>
          <Table aria-label="Spaces">
            <thead>
              <tr>
                <Th>Space</Th>
                <Th>Confidentiality</Th>
                <Th>Workspace</Th>
                <Th>You may</Th>
              </tr>
            </thead>
            <tbody>
              {spaces.map((space) => (
                <tr key={space.id}>
                  <Td className="font-medium">
                    <Link href={`/storage/${org.name}/${space.name}`} className="hover:underline">
                      {space.name}
                    </Link>
                    {space.description && <div className="text-xs font-normal text-fg-muted">{space.description}</div>}
                  </Td>
                  <Td>{space.loadingZone ? <span className="text-xs text-fg-muted">loading zone</span> : <ConfidentialityBadge value={space.confidentiality} />}</Td>
                  <Td className="text-xs">{space.workspaceId ? (workspaceName.get(space.workspaceId) ?? space.workspaceId) : "—"}</Td>
                  <Td className="text-xs">{space.actions.map((a) => a.replace("space.", "").replace("_", " ")).join(", ")}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </Card>
      )}
    </>
  );
}
