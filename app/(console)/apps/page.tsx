import type { Metadata } from "next";
import Link from "next/link";
import { CreateAppDialog } from "@/components/apps/create-app-dialog";
import { Card, EmptyState, PageHeader } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import { can } from "@/lib/access/policy";
import { listApps } from "@/lib/apps/service";
import { requirePrincipal } from "@/lib/auth/require";
import { listWorkspaces } from "@/lib/workspaces/service";

export const metadata: Metadata = { title: "Apps" };

export default async function AppsPage() {
  const principal = await requirePrincipal();
  const { items } = await listApps(principal);
  const mayCreate = can(principal, "app.create", { tenantId: principal.tenantId });
  const workspaces = mayCreate ? (await listWorkspaces(principal, { limit: 200 })).items.filter((ws) => ws.access !== "none").map(({ id, name }) => ({ id, name })) : [];
  return (
    <>
      <PageHeader
        title="Apps"
        description="Each app has its own AWS IAM role, bucket grants, secrets and parameters. Everyone sees the list; an app's admins open it."
        actions={mayCreate && <CreateAppDialog workspaces={workspaces} />}
      />
      {items.length === 0 ? (
        <EmptyState title="No apps yet">{mayCreate ? "Create one: Sluice makes its IAM role." : "Platform admins create apps."}</EmptyState>
      ) : (
        <Card>
          <Table aria-label="Apps">
            <thead>
              <tr>
                <Th>Name</Th>
                <Th>Slug</Th>
                <Th>Workspace</Th>
                <Th>Description</Th>
              </tr>
            </thead>
            <tbody>
              {items.map((app) => (
                <tr key={app.id}>
                  <Td className="font-medium">
                    {app.canRead ? (
                      <Link href={`/apps/${app.id}`} className="hover:underline">
                        {app.name}
                      </Link>
                    ) : (
                      app.name
                    )}
                  </Td>
                  <Td>
                    <code className="text-xs">{app.slug}</code>
                  </Td>
                  <Td className="text-sm">{app.workspace.name}</Td>
                  <Td className="text-sm text-fg-muted">{app.description || "—"}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </Card>
      )}
    </>
  );
}
