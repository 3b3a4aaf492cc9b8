import { ConnectionsPanel } from "@/components/connections/connections-panel";
import { can } from "@/lib/access/policy";
import { requirePrincipal } from "@/lib/auth/require";
import { listProviders } from "@/lib/connections/providers";
import { listConnections } from "@/lib/connections/service";
import { loadOr404 } from "@/lib/not-found";
import { loadWorkspace } from "@/lib/workspaces/guard";

export default async function WorkspaceConnectionsPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ connected?: string; failed?: string }> }) {
  const principal = await requirePrincipal();
  const { id } = await params;
  const { connected, failed } = await searchParams;
  const { items } = await loadOr404(() => listConnections(principal, { workspaceId: id }));
  const ws = await loadWorkspace(principal, id);
  const providers = (await listProviders(principal)).items.map(({ id: providerId, name }) => ({ id: providerId, name }));
  // only names of this workspace's connections are shown back, never text from the URL
  const named = (name: unknown) => items.find((c) => c.name === name)?.name;
  const flash = { connected: named(connected), failed: named(failed) };
  return <ConnectionsPanel workspaceId={id} connections={items} providers={providers} mayManage={!ws.archivedAt && can(principal, "connection.manage", ws)} flash={flash} />;
}
