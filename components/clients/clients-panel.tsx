"use client";

import { KeyRound, Plus, RotateCw } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { createClientAction, revokeClientAction, rotateClientSecretAction } from "@/app/(console)/clients/actions";
import { Button } from "@/components/ui/button";
import { Badge, Card, EmptyState } from "@/components/ui/card";
import { CopyButton } from "@/components/ui/copy-button";
import { DeleteButton } from "@/components/ui/delete-button";
import { Dialog, DialogActions } from "@/components/ui/dialog";
import { Field, Input } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { ActionsTh, Table, Td, Th } from "@/components/ui/table";
import type { ActionResult } from "@/lib/actions/action";
import type { Client } from "@/lib/clients/schema";
import { submitWith } from "@/components/ui/form-submit";

type Issued = { client: Client; clientSecret: string };

export function ClientsPanel({ clients, scopes }: { clients: Client[]; scopes: string[] }) {
  const router = useRouter();
  const [creating, setCreating] = useState(false);
  const [issued, setIssued] = useState<Issued>();
  const [result, setResult] = useState<ActionResult<unknown>>();
  const [pending, startTransition] = useTransition();
  const errors = result && !result.ok ? result.fieldErrors : {};

  const run = (action: () => Promise<ActionResult<Issued | Client>>, showSecret: boolean) =>
    startTransition(async () => {
      const outcome = await action();
      setResult(outcome);
      if (!outcome.ok) return;
      if (showSecret) {
        setCreating(false);
        setIssued(outcome.data as Issued);
      }
      router.refresh();
    });

  function create(form: FormData) {
    run(
      () =>
        createClientAction({
          name: String(form.get("name") ?? ""),
          scopes: form.getAll("scopes").map(String) as Client["scopes"],
          roles: String(form.get("roles") ?? "").split(/[\s,]+/).filter(Boolean),
        }),
      true,
    );
  }

  return (
    <>
      <div className="mb-4 flex justify-end">
        <Button onClick={() => (setResult(undefined), setCreating(true))}>
          <Plus size={16} aria-hidden /> New client
        </Button>
      </div>
      {!creating && <FormError result={result} />}
      {clients.length === 0 ? (
        <EmptyState title="No machine clients yet">Create one to call the API from scripts and services.</EmptyState>
      ) : (
        <Card>
          <Table aria-label="Machine clients">
            <thead>
              <tr>
                <Th>Name</Th>
                <Th>client_id</Th>
                <Th>Scopes</Th>
                <Th>Roles</Th>
                <Th>Last used</Th>
                <ActionsTh />
              </tr>
            </thead>
            <tbody>
              {clients.map((c) => (
                <tr key={c.id} className={c.revoked ? "opacity-60" : undefined}>
                  <Td className="font-medium">
                    {c.name} {c.revoked && <Badge tone="danger">revoked</Badge>}
                    <div className="text-xs font-normal text-fg-muted">by {c.createdBy}</div>
                  </Td>
                  <Td>
                    <code className="text-xs">{c.clientId}</code>
                  </Td>
                  <Td>
                    <div className="flex flex-wrap gap-1">
                      {c.scopes.map((s) => (
                        <Badge key={s}>{s}</Badge>
                      ))}
                    </div>
                  </Td>
                  <Td className="text-xs">{c.roles.join(", ") || "—"}</Td>
                  <Td className="text-xs text-fg-muted">{c.lastUsedAt ? new Date(c.lastUsedAt).toLocaleString() : "never"}</Td>
                  <Td>
                    {!c.revoked && (
                      <div className="flex justify-end gap-1">
                        <Button size="sm" variant="secondary" disabled={pending} onClick={() => window.confirm(`Rotate the secret of ${c.name}? The old secret stops working.`) && run(() => rotateClientSecretAction({ id: c.id }), true)}>
                          <RotateCw size={14} aria-hidden /> Rotate
                        </Button>
                        <DeleteButton label={`Revoke ${c.name}`} disabled={pending} confirm={`Revoke ${c.name}? Its tokens stop working.`} onDelete={() => run(() => revokeClientAction({ id: c.id }), false)} />
                      </div>
                    )}
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </Card>
      )}

      <Dialog open={creating} onOpenChange={setCreating} title="New machine client">
        <form onSubmit={submitWith(create)} className="space-y-4">
          <FormError result={result} />
          <Field id="client-name" label="Name" error={errors.name}>
            <Input id="client-name" name="name" required autoFocus aria-invalid={Boolean(errors.name)} />
          </Field>
          <fieldset>
            <legend className="text-sm font-medium">Scopes</legend>
            <div className="mt-1 grid grid-cols-2 gap-1">
              {scopes.map((s) => (
                <label key={s} className="flex items-center gap-2 text-sm">
                  <input type="checkbox" name="scopes" value={s} /> <code className="text-xs">{s}</code>
                </label>
              ))}
            </div>
            {errors.scopes && (
              <p role="alert" className="text-xs text-danger">
                {errors.scopes}
              </p>
            )}
          </fieldset>
          <Field id="client-roles" label="Roles (optional)" hint="Matched against workspace access rules, like a person's roles.">
            <Input id="client-roles" name="roles" placeholder="e.g. data-team" />
          </Field>
          <DialogActions onCancel={() => setCreating(false)} pending={pending} submitLabel="Create client" pendingLabel="Creating…" />
        </form>
      </Dialog>

      <Dialog open={Boolean(issued)} onOpenChange={(open) => !open && setIssued(undefined)} title="Copy the secret now" description="This is the only time the secret is shown. Sluice keeps only a hash of it.">
        {issued && (
          <div className="space-y-3 text-sm">
            <div>
              <div className="text-xs text-fg-muted">client_id</div>
              <div className="flex items-center gap-2">
                <code data-testid="issued-client-id" className="flex-1 break-all rounded bg-muted px-2 py-1">
                  {issued.client.clientId}
                </code>
                <CopyButton value={issued.client.clientId} label="Copy id" />
              </div>
            </div>
            <div>
              <div className="flex items-center gap-1 text-xs text-fg-muted">
                <KeyRound size={12} aria-hidden /> client_secret
              </div>
              <div className="flex items-center gap-2">
                <code data-testid="issued-client-secret" className="flex-1 break-all rounded bg-muted px-2 py-1">
                  {issued.clientSecret}
                </code>
                <CopyButton value={issued.clientSecret} label="Copy secret" />
              </div>
            </div>
            <div className="flex justify-end">
              <Button onClick={() => setIssued(undefined)}>Done</Button>
            </div>
          </div>
        )}
      </Dialog>
    </>
  );
}
