import { RunSettingsForm } from "@/components/workspaces/run-settings-form";
import { WorkspaceSettingsForm } from "@/components/workspaces/workspace-settings-form";
import { isPlatformAdmin } from "@/lib/access/policy";
import { Card, CardHeader } from "@/components/ui/card";
import { requirePrincipal } from "@/lib/auth/require";
import { loadOr404 } from "@/lib/not-found";
import { getWorkspace } from "@/lib/workspaces/service";

export default async function WorkspaceOverview({ params }: { params: Promise<{ id: string }> }) {
  const principal = await requirePrincipal();
  const { id } = await params;
  const ws = await loadOr404(() => getWorkspace(principal, { id }));
  const readOnly = ws.access !== "admin" || Boolean(ws.archived);
  return (
    <div className="space-y-6">
      <Card>
        <CardHeader title="Settings" description={ws.access === "admin" ? "Name, description and visibility." : "Only workspace admins can change these."} />
        <div className="p-4">
          <WorkspaceSettingsForm workspace={ws} readOnly={readOnly} />
        </div>
      </Card>
      <Card>
        <CardHeader title="Runs" description="How many runs may run at once, who sees them, and which step kinds workflows may use." />
        <div className="p-4">
          <RunSettingsForm workspace={ws} readOnly={readOnly} tenantAdmin={isPlatformAdmin(principal)} />
        </div>
      </Card>
    </div>
  );
}
