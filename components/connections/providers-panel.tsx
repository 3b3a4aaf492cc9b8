"use client";

import { KeyRound, Plus } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { SecretValueInput } from "@/components/secrets/secret-value-input";
import { Button } from "@/components/ui/button";
import { Card, CardHeader, EmptyState } from "@/components/ui/card";
import { CopyButton } from "@/components/ui/copy-button";
import { DeleteButton } from "@/components/ui/delete-button";
import { Dialog, DialogActions } from "@/components/ui/dialog";
import { Field, Input } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { submitWith } from "@/components/ui/form-submit";
import { ActionsTh, Table, Td, Th } from "@/components/ui/table";
import { useActionDialog } from "@/components/ui/use-action-dialog";
import { createProviderAction, deleteProviderAction, updateProviderAction } from "@/lib/connections/actions";
import type { Provider } from "@/lib/connections/schema";

const text = (form: FormData, name: string) => String(form.get(name) ?? "");

/** The tenant's OAuth2 providers (platform admins): register one, replace its client secret, delete it with its connections. */
export function ProvidersPanel({ providers, redirectUri }: { providers: Provider[]; redirectUri: string }) {
  const router = useRouter();
  const [creating, setCreating] = useState(false);
  const [replacing, setReplacing] = useState<Provider>();
  const create = useActionDialog(setCreating);
  const replace = useActionDialog((open) => !open && setReplacing(undefined));
  const row = useActionDialog(() => undefined);
  const errors = create.result && !create.result.ok ? create.result.fieldErrors : {};
  const done = () => router.refresh();

  return (
    <Card>
      <CardHeader
        title="OAuth providers"
        description={
          <>
            Systems workspaces connect to with OAuth 2.0 (authorization code with PKCE). Register this callback URL with each provider: <code>{redirectUri}</code> <CopyButton value={redirectUri} label="Copy callback URL" />
          </>
        }
        actions={
          <Button size="sm" onClick={() => setCreating(true)}>
            <Plus size={14} aria-hidden /> New provider
          </Button>
        }
      />
      <FormError result={row.result} />
      {providers.length === 0 ? (
        <div className="p-4">
          <EmptyState title="No OAuth providers">Register one so that workspaces can connect to it.</EmptyState>
        </div>
      ) : (
        <Table aria-label="OAuth providers">
          <thead>
            <tr>
              <Th>Name</Th>
              <Th>Endpoints</Th>
              <Th>Client</Th>
              <ActionsTh />
            </tr>
          </thead>
          <tbody>
            {providers.map((provider) => (
              <tr key={provider.id} data-testid={`provider-${provider.name}`}>
                <Td className="font-medium">{provider.name}</Td>
                <Td className="max-w-md break-all text-xs">
                  <div>authorize: {provider.authorizeUrl}</div>
                  <div>token: {provider.tokenUrl}</div>
                  {provider.scopes && <div className="text-fg-muted">scopes: {provider.scopes}</div>}
                </Td>
                <Td className="text-xs">
                  <code>{provider.clientId}</code>
                  <div className="text-fg-muted">secret sealed, never shown</div>
                </Td>
                <Td>
                  <div className="flex justify-end gap-1">
                    <Button size="sm" variant="secondary" onClick={() => setReplacing(provider)}>
                      <KeyRound size={14} aria-hidden /> Replace secret
                    </Button>
                    <DeleteButton label={`Delete ${provider.name}`} disabled={row.pending} confirm={`Delete ${provider.name}? Every workspace's connection to it is deleted with its tokens.`} onDelete={() => row.run(() => deleteProviderAction({ id: provider.id }), done)} />
                  </div>
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}

      <Dialog open={creating} onOpenChange={create.openChange} title="New OAuth provider">
        <form
          className="space-y-3"
          onSubmit={submitWith((form) =>
            create.run(
              () =>
                createProviderAction({
                  name: text(form, "name"),
                  authorizeUrl: text(form, "authorizeUrl"),
                  tokenUrl: text(form, "tokenUrl"),
                  clientId: text(form, "clientId"),
                  clientSecret: text(form, "value"),
                  scopes: text(form, "scopes"),
                }),
              () => (create.openChange(false), done()),
            ),
          )}
        >
          <FormError result={create.result} />
          <Field id="provider-name" label="Name" error={errors.name}>
            <Input id="provider-name" name="name" required autoFocus />
          </Field>
          <Field id="provider-authorize" label="Authorization URL" error={errors.authorizeUrl}>
            <Input id="provider-authorize" name="authorizeUrl" type="url" required placeholder="https://…/authorize" />
          </Field>
          <Field id="provider-token" label="Token URL" error={errors.tokenUrl}>
            <Input id="provider-token" name="tokenUrl" type="url" required placeholder="https://…/token" />
          </Field>
          <Field id="provider-client-id" label="Client id" error={errors.clientId}>
            <Input id="provider-client-id" name="clientId" required />
          </Field>
          <Field id="provider-client-secret" label="Client secret" error={errors.clientSecret}>
            <SecretValueInput id="provider-client-secret" invalid={Boolean(errors.clientSecret)} />
          </Field>
          <Field id="provider-scopes" label="Scopes" error={errors.scopes} hint="Space-separated, as the provider names them.">
            <Input id="provider-scopes" name="scopes" />
          </Field>
          <DialogActions onCancel={() => create.openChange(false)} pending={create.pending} submitLabel="Register provider" pendingLabel="Registering…" />
        </form>
      </Dialog>

      <Dialog open={Boolean(replacing)} onOpenChange={replace.openChange} title={`Replace the client secret of ${replacing?.name ?? ""}`}>
        {replacing && (
          <form className="space-y-4" onSubmit={submitWith((form) => replace.run(() => updateProviderAction({ id: replacing.id, clientSecret: text(form, "value") }), () => (replace.openChange(false), done())))}>
            <FormError result={replace.result} />
            <Field id="provider-new-secret" label="New client secret">
              <SecretValueInput id="provider-new-secret" />
            </Field>
            <DialogActions onCancel={() => replace.openChange(false)} pending={replace.pending} submitLabel="Replace secret" pendingLabel="Replacing…" />
          </form>
        )}
      </Dialog>
    </Card>
  );
}
