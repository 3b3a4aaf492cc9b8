"use client";

import { Link2, Plus, RotateCw } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { formatTime } from "@/components/runs/format";
import { Button } from "@/components/ui/button";
import { Badge, Card, CardHeader, EmptyState } from "@/components/ui/card";
import { DeleteButton } from "@/components/ui/delete-button";
import { Dialog, DialogActions } from "@/components/ui/dialog";
import { Field, Input, Select } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { submitWith } from "@/components/ui/form-submit";
import { ActionsTh, Table, Td, Th } from "@/components/ui/table";
import { useActionDialog } from "@/components/ui/use-action-dialog";
import { deleteConnectionAction, startConnectionAction } from "@/lib/connections/actions";
import type { Connection, Provider } from "@/lib/connections/schema";

const STATE: Record<Connection["state"], { label: string; tone: "ok" | "warn" | "danger" }> = {
  connected: { label: "connected", tone: "ok" },
  pending: { label: "not authorized yet", tone: "warn" },
  needs_reconnect: { label: "needs reconnecting", tone: "danger" },
};

/**
 * A workspace's connections to OAuth providers with their state. Connecting and reconnecting send the
 * person to the provider; they come back to this page (with `connected` or `error` in the URL).
 */
export function ConnectionsPanel({
  workspaceId,
  connections,
  providers,
  mayManage,
  flash,
}: {
  workspaceId: string;
  connections: Connection[];
  providers: Pick<Provider, "id" | "name">[];
  mayManage: boolean;
  flash?: { connected?: string; failed?: string };
}) {
  const router = useRouter();
  const [connecting, setConnecting] = useState(false);
  const row = useActionDialog(() => undefined);
  const dialog = useActionDialog(setConnecting);
  const errors = dialog.result && !dialog.result.ok ? dialog.result.fieldErrors : {};
  const toProvider = ({ authorizationUrl }: { authorizationUrl: string }) => window.location.assign(authorizationUrl);

  return (
    <Card>
      <CardHeader
        title={
          <span className="flex items-center gap-2">
            <Link2 size={16} aria-hidden /> Connections
          </span>
        }
        description="OAuth tokens for external systems, kept as this workspace's secrets and refreshed before they expire. A step names a connection's secret (connection.<name>) to receive its current access token."
        actions={
          mayManage &&
          providers.length > 0 && (
            <Button size="sm" onClick={() => setConnecting(true)}>
              <Plus size={14} aria-hidden /> Connect
            </Button>
          )
        }
      />
      {flash?.connected && (
        <p role="status" className="mx-4 mt-3 rounded-md bg-ok/10 px-3 py-2 text-sm">
          Connected {flash.connected}.
        </p>
      )}
      {flash?.failed && (
        <p role="alert" className="mx-4 mt-3 rounded-md bg-danger/10 px-3 py-2 text-sm text-danger">
          Connecting {flash.failed} did not complete; its error is below.
        </p>
      )}
      <FormError result={row.result} />
      {connections.length === 0 ? (
        <div className="p-4">
          <EmptyState title="No connections">
            {providers.length === 0 ? "A platform admin registers OAuth providers first (Administration → OAuth providers)." : mayManage ? "Connect this workspace to a provider." : "Admins of this workspace can connect it."}
          </EmptyState>
        </div>
      ) : (
        <Table aria-label="Connections">
          <thead>
            <tr>
              <Th>Name</Th>
              <Th>State</Th>
              <Th>Token</Th>
              <ActionsTh />
            </tr>
          </thead>
          <tbody>
            {connections.map((connection) => (
              <tr key={connection.id} data-testid={`connection-${connection.name}`}>
                <Td>
                  <div className="font-medium">{connection.name}</div>
                  <div className="text-xs text-fg-muted">
                    {connection.provider.name} · secret <code>{connection.secret}</code>
                  </div>
                </Td>
                <Td>
                  <Badge tone={STATE[connection.state].tone}>{STATE[connection.state].label}</Badge>
                  {connection.error && <div className="mt-1 max-w-md text-xs text-danger">{connection.error}</div>}
                </Td>
                <Td className="text-xs">
                  {connection.expiresAt ? `expires ${formatTime(connection.expiresAt)}` : "—"}
                  {connection.refreshedAt && <div className="text-fg-muted">refreshed {formatTime(connection.refreshedAt)}</div>}
                </Td>
                <Td>
                  {mayManage && (
                    <div className="flex justify-end gap-1">
                      <Button size="sm" variant={connection.state === "connected" ? "secondary" : "primary"} disabled={row.pending} onClick={() => row.run(() => startConnectionAction({ workspaceId, name: connection.name, providerId: connection.provider.id }), toProvider)}>
                        <RotateCw size={14} aria-hidden /> {connection.state === "pending" ? "Authorize" : "Reconnect"}
                      </Button>
                      <DeleteButton label={`Delete ${connection.name}`} disabled={row.pending} confirm={`Delete the connection ${connection.name} and its tokens? Runs that use it will fail.`} onDelete={() => row.run(() => deleteConnectionAction({ workspaceId, name: connection.name }), () => router.refresh())} />
                    </div>
                  )}
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}

      <Dialog open={connecting} onOpenChange={dialog.openChange} title="Connect to a provider" description="You will sign in at the provider and allow Sluice access; then you come back here.">
        <form className="space-y-4" onSubmit={submitWith((form) => dialog.run(() => startConnectionAction({ workspaceId, name: String(form.get("name") ?? ""), providerId: String(form.get("providerId") ?? "") }), toProvider))}>
          <FormError result={dialog.result} />
          <Field id="connection-name" label="Name" error={errors.name} hint="Lower-case letters, digits and '-'. Steps use the secret connection.<name>.">
            <Input id="connection-name" name="name" required autoFocus aria-invalid={Boolean(errors.name)} />
          </Field>
          <Field id="connection-provider" label="Provider" error={errors.providerId}>
            <Select id="connection-provider" name="providerId">
              {providers.map((provider) => (
                <option key={provider.id} value={provider.id}>
                  {provider.name}
                </option>
              ))}
            </Select>
          </Field>
          <DialogActions onCancel={() => dialog.openChange(false)} pending={dialog.pending} submitLabel="Continue to the provider" pendingLabel="Starting…" />
        </form>
      </Dialog>
    </Card>
  );
}
