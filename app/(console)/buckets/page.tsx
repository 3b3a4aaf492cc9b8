import type { Metadata } from "next";
import Link from "next/link";
import { RegisterBucketDialog } from "@/components/buckets/register-bucket-dialog";
import { Badge, Card, EmptyState, PageHeader } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import { DATA_CLASSIFICATIONS } from "@/db/schema";
import { can } from "@/lib/access/policy";
import { bucketPrefix } from "@/lib/apps/cloud-names";
import { requirePrincipal } from "@/lib/auth/require";
import { listBuckets } from "@/lib/buckets/service";
import { listWorkspaces } from "@/lib/workspaces/service";

export const metadata: Metadata = { title: "Buckets" };

export default async function BucketsPage() {
  const principal = await requirePrincipal();
  const { items } = await listBuckets(principal);
  const mayRegister = can(principal, "bucket.create", { tenantId: principal.tenantId });
  const workspaces = mayRegister ? (await listWorkspaces(principal, { limit: 200 })).items.map(({ id, name }) => ({ id, name })) : [];
  return (
    <>
      <PageHeader
        title="Buckets"
        description="S3 buckets registered with Sluice, and who may use them. You see the buckets you hold a grant on."
        actions={mayRegister && <RegisterBucketDialog prefix={bucketPrefix(principal.tenantSlug)} workspaces={workspaces} classifications={DATA_CLASSIFICATIONS} />}
      />
      {items.length === 0 ? (
        <EmptyState title="No buckets">{mayRegister ? "Register an existing S3 bucket to grant apps and people access to it." : "You hold no grant on any bucket."}</EmptyState>
      ) : (
        <Card>
          <Table aria-label="Buckets">
            <thead>
              <tr>
                <Th>Name</Th>
                <Th>Classification</Th>
                <Th>Owner workspace</Th>
                <Th>Your access</Th>
              </tr>
            </thead>
            <tbody>
              {items.map((bucket) => (
                <tr key={bucket.id}>
                  <Td className="font-medium">
                    <Link href={`/buckets/${bucket.id}`} className="hover:underline">
                      {bucket.name}
                    </Link>
                  </Td>
                  <Td>
                    <Badge>{bucket.classification}</Badge>
                  </Td>
                  <Td className="text-sm">{bucket.workspace.name}</Td>
                  <Td className="text-sm">{bucket.access ?? (bucket.canManage ? "platform admin" : "—")}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </Card>
      )}
    </>
  );
}
