import type { Metadata } from "next";
import Link from "next/link";
import { NewOrganizationButton } from "@/components/storage/organization-actions";
import { ConfidentialityBadge } from "@/components/storage/labels";
import { Card, EmptyState, PageHeader } from "@/components/ui/card";
import { CONFIDENTIALITIES } from "@/db/schema";
import { can } from "@/lib/access/policy";
import { requirePrincipal } from "@/lib/auth/require";
import { listOrganizations } from "@/lib/storage/organizations";
import { listSpaces } from "@/lib/storage/spaces";

export const metadata: Metadata = { title: "Storage" };

export default async function StoragePage() {
  const principal = await requirePrincipal();
  const { items } = await listOrganizations(principal);
  const spaces = await Promise.all(items.map((org) => listSpaces(principal, { org: org.name }).then((list) => list.items)));
  return (
    <>
      <PageHeader
        title="Storage"
        description="Organizations (Azure storage accounts) and their spaces (containers) you may see. Uploads go to an organization's loading zone and are committed to their space."
        actions={can(principal, "storage_org.create", { tenantId: principal.tenantId }) && <NewOrganizationButton confidentialities={CONFIDENTIALITIES} />}
      />
      {items.length === 0 ? (
        <EmptyState title="No storage organizations you may see">An organization is visible with org_&lt;name&gt;_access, or org_all_public when it is public.</EmptyState>
      ) : (
        <div className="grid gap-4 md:grid-cols-2">
          {items.map((org, i) => (
            <Card key={org.id} data-testid={`organization-${org.name}`} className="p-4">
              <div className="flex items-center gap-2">
                <Link href={`/storage/${org.name}`} className="text-base font-semibold hover:underline">
                  {org.name}
                </Link>
                <ConfidentialityBadge value={org.confidentiality} />
              </div>
              {org.description && <p className="mt-1 text-sm text-fg-muted">{org.description}</p>}
              <p className="mt-1 text-xs text-fg-muted">account {org.accountName}</p>
              <ul className="mt-3 space-y-1 text-sm">
                {spaces[i].map((space) => (
                  <li key={space.id} className="flex items-center gap-2">
                    <Link href={`/storage/${org.name}/${space.name}`} className="hover:underline">
                      {space.name}
                    </Link>
                    {space.loadingZone ? <span className="text-xs text-fg-muted">loading zone</span> : <ConfidentialityBadge value={space.confidentiality} />}
                  </li>
                ))}
                {spaces[i].length === 0 && <li className="text-xs text-fg-muted">No space you have a role in.</li>}
              </ul>
            </Card>
          ))}
        </div>
      )}
    </>
  );
}
