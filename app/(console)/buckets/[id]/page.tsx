import type { Metadata } from "next";
import { BucketSettings } from "@/components/buckets/bucket-settings";
import { GrantAccessDialog } from "@/components/buckets/grant-access-dialog";
import { GrantTable } from "@/components/buckets/grant-table";
import { PendingTasks } from "@/components/tasks/pending-tasks";
import { Badge, Card, CardHeader, PageHeader } from "@/components/ui/card";
import { DATA_CLASSIFICATIONS, GRANT_LEVELS } from "@/db/schema";
import { listApps } from "@/lib/apps/service";
import { requirePrincipal } from "@/lib/auth/require";
import { listBucketGrants } from "@/lib/buckets/grants";
import { getBucket, pendingBucketTasks } from "@/lib/buckets/service";
import { loadOr404 } from "@/lib/not-found";
import { listWorkspaces } from "@/lib/workspaces/service";

export const metadata: Metadata = { title: "Bucket" };

export default async function BucketPage({ params }: { params: Promise<{ id: string }> }) {
  const principal = await requirePrincipal();
  const { id } = await params;
  const bucket = await loadOr404(() => getBucket(principal, { id }));
  const [grants, tasks] = await Promise.all([listBucketGrants(principal, { bucketId: id }), pendingBucketTasks(principal, { id })]);
  const apps = bucket.canManage ? (await listApps(principal)).items.map(({ id: appId, name }) => ({ id: appId, name })) : [];
  const workspaces = bucket.canManage ? (await listWorkspaces(principal, { limit: 200 })).items.map(({ id: wsId, name }) => ({ id: wsId, name })) : [];
  return (
    <div className="space-y-6">
      <PageHeader
        title={bucket.name}
        description={
          <>
            <code>{bucket.arn}</code> · owned by {bucket.workspace.name} · <Badge>{bucket.classification}</Badge>
            {bucket.access && <> · your access: {bucket.access}</>}
          </>
        }
      />
      <Card>
        <CardHeader
          title="Grants"
          description="Apps and people who may use this bucket; each grant is an IAM policy on their role."
          actions={bucket.canManage && <GrantAccessDialog bucketId={bucket.id} apps={apps} levels={GRANT_LEVELS} />}
        />
        <div className="p-4">
          <GrantTable grants={grants.items} manageable={bucket.canManage ? [bucket.id] : []} label="Grants" />
        </div>
      </Card>
      <PendingTasks tasks={tasks} />
      {bucket.canManage && (
        <Card>
          <CardHeader title="Settings" description="Unregistering ends every grant; S3 keeps the bucket and its data." />
          <BucketSettings bucket={bucket} workspaces={workspaces} classifications={DATA_CLASSIFICATIONS} />
        </Card>
      )}
    </div>
  );
}
