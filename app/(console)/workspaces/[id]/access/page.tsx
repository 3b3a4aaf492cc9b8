import { MembersPanel } from "@/components/workspaces/members-panel";
import { WorkspaceRulesForm } from "@/components/workspaces/workspace-rules-form";
import { Card, CardHeader } from "@/components/ui/card";
import { requirePrincipal } from "@/lib/auth/require";
import { loadOr404 } from "@/lib/not-found";
import { getWorkspace, listMembers } from "@/lib/workspaces/service";

export default async function WorkspaceAccessPage({ params }: { params: Promise<{ id: string }> }) {
  const principal = await requirePrincipal();
  const { id } = await params;
  const ws = await loadOr404(() => getWorkspace(principal, { id }));
  const members = await listMembers(principal, { workspaceId: id });
  const manage = ws.access === "admin" && !ws.archived;
  return (
    <div className="space-y-6">
      <Card>
        <CardHeader title="Access rules" description="Role lists from your identity provider that admit people without adding them one by one." />
        <div className="p-4">
          <WorkspaceRulesForm workspace={ws} readOnly={!manage} />
        </div>
      </Card>
      <Card>
        <CardHeader title="Members" description="Viewers read and start runs; editors also change workflows; admins also manage members, rules and secrets." />
        <MembersPanel workspaceId={ws.id} members={members.items} manage={manage} />
      </Card>
    </div>
  );
}
