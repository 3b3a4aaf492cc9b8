import type { Metadata } from "next";
import Link from "next/link";
import { AppSettingsForm } from "@/components/apps/app-settings-form";
import { GrantBucketDialog } from "@/components/apps/grant-bucket-dialog";
import { ParametersPanel } from "@/components/apps/parameters-panel";
import { GrantTable } from "@/components/buckets/grant-table";
import { SecretsPanel } from "@/components/secrets/secrets-panel";
import { PendingTasks } from "@/components/tasks/pending-tasks";
import { Badge, Card, CardHeader, EmptyState, PageHeader } from "@/components/ui/card";
import { GRANT_LEVELS } from "@/db/schema";
import { listParameters } from "@/lib/apps/parameters";
import { getApp } from "@/lib/apps/service";
import { requirePrincipal } from "@/lib/auth/require";
import { listAppGrants } from "@/lib/buckets/grants";
import { listBuckets } from "@/lib/buckets/service";
import { AppError } from "@/lib/errors";
import { loadOr404 } from "@/lib/not-found";
import { pendingTasks } from "@/lib/tasks/service";

export const metadata: Metadata = { title: "App" };

export default async function AppPage({ params }: { params: Promise<{ id: string }> }) {
  const principal = await requirePrincipal();
  const { id } = await params;
  // Tasks before the app: once none is pending, what they wrote (the role's ARN) is in what is read next.
  const tasks = await pendingTasks(principal, { targetType: "app", targetId: id });
  const app = await loadOr404(() => getApp(principal, { id })).catch((error) => {
    if (error instanceof AppError && error.status === 403) return null;
    throw error;
  });
  if (!app) return <EmptyState title="Only this app's admins open it">You can see the app in the list; ask a platform admin to make you one of its admins.</EmptyState>;
  const [grants, parameters, buckets] = await Promise.all([listAppGrants(principal, { appId: id }), listParameters(principal, { appId: id }), listBuckets(principal)]);
  const manageable = buckets.items.filter((bucket) => bucket.canManage);
  return (
    <div className="space-y-6">
      <PageHeader
        title={app.name}
        description={
          <>
            <code>{app.slug}</code> in workspace <Link href={`/workspaces/${app.workspace.id}`}>{app.workspace.name}</Link>
            {app.repoUrl && (
              <>
                {" · "}
                <a href={app.repoUrl} rel="noreferrer" target="_blank" className="hover:underline">
                  {app.repoUrl}
                </a>
              </>
            )}
          </>
        }
      />
      <Card>
        <CardHeader title="Cloud identity" description="The app's own AWS IAM role; bucket grants are policies on it, and it reads its own parameters." />
        <dl className="grid grid-cols-[10rem_1fr] gap-2 p-4 text-sm">
          <dt className="text-fg-muted">IAM role</dt>
          <dd>
            <code data-testid="iam-role-name">{app.iamRole.name}</code>
          </dd>
          <dt className="text-fg-muted">ARN</dt>
          <dd data-testid="iam-role-arn">{app.iamRole.arn ? <code>{app.iamRole.arn}</code> : <Badge tone="warn">not created yet</Badge>}</dd>
        </dl>
      </Card>
      <PendingTasks tasks={tasks} />
      <Card>
        <CardHeader title="Bucket grants" description="Buckets this app's role may use." actions={manageable.length > 0 && <GrantBucketDialog appId={app.id} buckets={manageable} levels={GRANT_LEVELS} />} />
        <div className="p-4">
          <GrantTable grants={grants.items} manageable={manageable.map((bucket) => bucket.id)} label="Bucket grants" />
        </div>
      </Card>
      <ParametersPanel appId={app.id} parameters={parameters.items} />
      <SecretsPanel owner={{ workspaceId: app.workspace.id, appId: app.id }} />
      <Card>
        <CardHeader title="Settings" description="Name, description, repository and admins. The slug names the cloud resources and never changes." />
        <AppSettingsForm app={app} />
      </Card>
    </div>
  );
}
