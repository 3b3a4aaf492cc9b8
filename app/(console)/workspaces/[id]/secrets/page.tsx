import { SecretsPanel } from "@/components/secrets/secrets-panel";
import { requirePrincipal } from "@/lib/auth/require";
import { loadOr404 } from "@/lib/not-found";
import { mayWriteSecrets } from "@/lib/secrets/owner";
import { listSecrets } from "@/lib/secrets/service";

export default async function WorkspaceSecretsPage({ params }: { params: Promise<{ id: string }> }) {
  const principal = await requirePrincipal();
  const { id } = await params;
  const owner = { workspaceId: id };
  const { items } = await loadOr404(() => listSecrets(principal, owner));
  return <SecretsPanel owner={owner} initial={{ items, mayWrite: await mayWriteSecrets(principal, owner) }} />;
}
