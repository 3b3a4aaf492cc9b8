import type { Metadata } from "next";
import { GrantTable } from "@/components/buckets/grant-table";
import { PendingTasks } from "@/components/tasks/pending-tasks";
import { Badge, Card, CardHeader, PageHeader } from "@/components/ui/card";
import { requirePrincipal } from "@/lib/auth/require";
import { listCloudAccess } from "@/lib/buckets/grants";
import { listBuckets } from "@/lib/buckets/service";
import { pendingTasks } from "@/lib/tasks/service";

export const metadata: Metadata = { title: "Users" };

/** People's own IAM roles and bucket grants: everyone's for platform admins, your own otherwise. */
export default async function UsersPage() {
  const principal = await requirePrincipal();
  // Tasks before the roles: once none is pending, the ARNs they wrote are in what is read next.
  const tasks = await pendingTasks(principal, { targetType: "user" });
  const [people, buckets] = await Promise.all([listCloudAccess(principal), listBuckets(principal)]);
  const manageable = buckets.items.filter((bucket) => bucket.canManage).map((bucket) => bucket.id);
  return (
    <div className="space-y-6">
      <PageHeader title="Users" description="Each person's own AWS IAM role (made at their first bucket grant) and the buckets it may use." />
      <PendingTasks tasks={tasks} />
      {people.map(({ user, iamRole, grants }) => (
        <Card key={user.id} id={`user-${user.id}`}>
          <CardHeader
            title={user.name || user.email}
            description={
              <>
                {user.email} · IAM role{" "}
                {iamRole ? (
                  <>
                    <code>{iamRole.name}</code> {iamRole.arn ? <code className="text-xs">{iamRole.arn}</code> : <Badge tone="warn">not created yet</Badge>}
                  </>
                ) : (
                  "none yet"
                )}
              </>
            }
          />
          {grants.length > 0 && (
            <div className="p-4">
              <GrantTable grants={grants} manageable={manageable} label={`Grants of ${user.email}`} />
            </div>
          )}
        </Card>
      ))}
    </div>
  );
}
