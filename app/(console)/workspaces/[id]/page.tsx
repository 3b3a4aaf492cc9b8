import { WorkspaceSettingsForm } from "@/components/workspaces/workspace-settings-form";
import { Card, CardHeader } from "@/components/ui/card";
import { requirePrincipal } from "@/lib/auth/require";
import { loadOr404 } from "@/lib/not-found";
import { getWorkspace } from "@/lib/workspaces/service";

export default async function WorkspaceOverview({ params }: { params: Promise<{ id: string }> }) {
  const principal = await requirePrincipal();
  const { id } = await params;
  const ws = await loadOr404(() => getWorkspace(principal, { id }));
  return (
    <Card>
      <CardHeader title="Settings" description={ws.access === "admin" ? "Name, description and visibility." : "Only workspace admins can change these."} />
      <div className="p-4">
        <WorkspaceSettingsForm workspace={ws} readOnly={ws.access !== "admin" || Boolean(ws.archived)} />
      </div>
    </Card>
  );
}
