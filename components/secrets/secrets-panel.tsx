"use client";

import { History, KeyRound, Pencil, Plus, RefreshCw } from "lucide-react";
import { useCallback, useEffect, useState } from "react";
import { formatTime } from "@/components/runs/format";
import { StateBadge } from "@/components/runs/state-style";
import { Button } from "@/components/ui/button";
import { Badge, Card, CardHeader, EmptyState } from "@/components/ui/card";
import { DeleteButton } from "@/components/ui/delete-button";
import { Dialog, DialogActions } from "@/components/ui/dialog";
import { Field, Input, Textarea } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { submitWith } from "@/components/ui/form-submit";
import { ActionsTh, Table, Td, Th } from "@/components/ui/table";
import { useActionDialog } from "@/components/ui/use-action-dialog";
import type { ActionResult } from "@/lib/actions/action";
import { createSecretAction, deleteSecretAction, describeSecretAction, listSecretsAction, replaceSecretAction, secretHistoryAction } from "@/lib/secrets/actions";
import type { SecretDetail, SecretMeta, SecretOwner } from "@/lib/secrets/schema";
import type { Task } from "@/lib/tasks/schema";
import { SecretValueInput } from "./secret-value-input";

type Listing = { items: SecretMeta[]; mayWrite: boolean };
type Open = { kind: "create" } | { kind: "replace" | "describe" | "history"; secret: SecretMeta };

/** How often the list is read again while a secret's write to AWS is queued or running. */
const PENDING_POLL_MS = 2000;
const isActive = (task: Task) => task.state === "queued" || task.state === "running";

/**
 * The secrets of a workspace, or of an app (`owner.appId`): names, descriptions and versions, and —
 * for those who may write — create, replace the value, describe, delete. A value is written, never
 * read back: no action here returns one.
 */
export function SecretsPanel({ owner, initial }: { owner: SecretOwner; initial?: Listing }) {
  const [listing, setListing] = useState<Listing | undefined>(initial);
  const [loadError, setLoadError] = useState<ActionResult<unknown>>();
  const [open, setOpen] = useState<Open>();
  const { workspaceId, appId } = owner;
  const reload = useCallback(async () => {
    const result = await listSecretsAction({ workspaceId, ...(appId ? { appId } : {}) });
    if (result.ok) setListing(result.data);
    else setLoadError(result);
  }, [workspaceId, appId]);
  useEffect(() => {
    if (!initial) void reload();
  }, [initial, reload]);
  const active = listing?.items.some((secret) => secret.pendingTasks.some(isActive)) ?? false;
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => void reload(), PENDING_POLL_MS);
    return () => clearInterval(timer);
  }, [active, reload]);
  const close = () => setOpen(undefined);
  const row = useActionDialog(() => undefined);
  const ref = (secret: SecretMeta) => ({ ...owner, name: secret.name });

  return (
    <Card>
      <CardHeader
        title={
          <span className="flex items-center gap-2">
            <KeyRound size={16} aria-hidden /> Secrets
          </span>
        }
        description="Values are write-only: Sluice never shows them again. Runs receive them (masked in logs); only machine clients with the secrets:reveal scope can read one back."
        actions={
          listing?.mayWrite && (
            <Button size="sm" className="whitespace-nowrap" onClick={() => setOpen({ kind: "create" })}>
              <Plus size={14} aria-hidden /> New secret
            </Button>
          )
        }
      />
      <FormError result={loadError ?? row.result} />
      {!listing ? (
        <p className="p-4 text-sm text-fg-muted">Loading…</p>
      ) : listing.items.length === 0 ? (
        <div className="p-4">
          <EmptyState title="No secrets">{listing.mayWrite ? "Add passwords, API keys and tokens that runs use." : "Admins can add secrets here."}</EmptyState>
        </div>
      ) : (
        <Table aria-label="Secrets">
          <thead>
            <tr>
              <Th>Name</Th>
              <Th>Version</Th>
              <Th>Last changed</Th>
              <ActionsTh />
            </tr>
          </thead>
          <tbody>
            {listing.items.map((secret) => {
              const writable = listing.mayWrite && !secret.connection;
              return (
                <tr key={secret.name} data-testid={`secret-${secret.name}`}>
                  <Td>
                    <div className="font-mono text-sm font-medium">{secret.name}</div>
                    <div className="text-xs text-fg-muted">{secret.description || "No description."}</div>
                    {secret.connection && <Badge tone="accent">token of connection {secret.connection}</Badge>}
                    {secret.store === "aws" && <Badge>AWS Secrets Manager</Badge>}
                    <PendingInAws tasks={secret.pendingTasks} />
                  </Td>
                  <Td data-testid="secret-version">v{secret.version}</Td>
                  <Td className="text-xs">
                    {formatTime(secret.updatedAt)}
                    <div className="text-fg-muted">by {secret.updatedBy || secret.createdBy || "—"}</div>
                  </Td>
                  <Td>
                    <div className="flex justify-end gap-1">
                      <Button size="sm" variant="ghost" onClick={() => setOpen({ kind: "history", secret })} aria-label={`History of ${secret.name}`}>
                        <History size={14} aria-hidden />
                      </Button>
                      {writable && (
                        <>
                          <Button size="sm" variant="secondary" onClick={() => setOpen({ kind: "replace", secret })}>
                            <RefreshCw size={14} aria-hidden /> Replace value
                          </Button>
                          <Button size="sm" variant="ghost" onClick={() => setOpen({ kind: "describe", secret })} aria-label={`Describe ${secret.name}`}>
                            <Pencil size={14} aria-hidden />
                          </Button>
                          <DeleteButton label={`Delete ${secret.name}`} disabled={row.pending} confirm={`Delete the secret ${secret.name}? Runs that use it will fail.`} onDelete={() => row.run(() => deleteSecretAction(ref(secret)), () => void reload())} />
                        </>
                      )}
                    </div>
                  </Td>
                </tr>
              );
            })}
          </tbody>
        </Table>
      )}

      {open?.kind === "create" && <CreateDialog owner={owner} onDone={() => (close(), void reload())} onCancel={close} />}
      {open?.kind === "replace" && <ReplaceDialog owner={owner} secret={open.secret} onDone={() => (close(), void reload())} onCancel={close} />}
      {open?.kind === "describe" && <DescribeDialog owner={owner} secret={open.secret} onDone={() => (close(), void reload())} onCancel={close} />}
      {open?.kind === "history" && <HistoryDialog owner={owner} secret={open.secret} onClose={close} />}
    </Card>
  );
}

/** A secret's writes to AWS not done yet: until its write succeeds, a version is kept (sealed) in Sluice's database. */
function PendingInAws({ tasks }: { tasks: Task[] }) {
  return tasks.map((task) => (
    <div key={task.id} data-testid="secret-pending" data-task-state={task.state} className="mt-1 flex items-center gap-2 text-xs text-fg-muted">
      <StateBadge state={task.state} />
      <span>{task.state === "failed" ? `Not written to AWS: ${task.error ?? "failed"}` : "Being written to AWS Secrets Manager"}</span>
    </div>
  ));
}

type DialogProps = { owner: SecretOwner; onDone: () => void; onCancel: () => void };

function CreateDialog({ owner, onDone, onCancel }: DialogProps) {
  const dialog = useActionDialog((isOpen) => !isOpen && onCancel());
  const errors = dialog.result && !dialog.result.ok ? dialog.result.fieldErrors : {};
  return (
    <Dialog open onOpenChange={dialog.openChange} title="New secret" description="The value is stored encrypted and never shown again.">
      <form
        className="space-y-4"
        onSubmit={submitWith((form) =>
          dialog.run(() => createSecretAction({ ...owner, name: String(form.get("name") ?? ""), description: String(form.get("description") ?? ""), value: String(form.get("value") ?? "") }), onDone),
        )}
      >
        <FormError result={dialog.result} />
        <Field id="secret-name" label="Name" error={errors.name} hint="Letters, digits, '.', '_' and '-'. Steps name the secret by it.">
          <Input id="secret-name" name="name" required autoFocus aria-invalid={Boolean(errors.name)} className="font-mono" />
        </Field>
        <Field id="secret-description" label="Description" error={errors.description}>
          <Input id="secret-description" name="description" />
        </Field>
        <Field id="secret-value" label="Value" error={errors.value}>
          <SecretValueInput id="secret-value" invalid={Boolean(errors.value)} />
        </Field>
        <DialogActions onCancel={() => dialog.openChange(false)} pending={dialog.pending} submitLabel="Create secret" pendingLabel="Creating…" />
      </form>
    </Dialog>
  );
}

function ReplaceDialog({ owner, secret, onDone, onCancel }: DialogProps & { secret: SecretMeta }) {
  const dialog = useActionDialog((isOpen) => !isOpen && onCancel());
  const errors = dialog.result && !dialog.result.ok ? dialog.result.fieldErrors : {};
  return (
    <Dialog open onOpenChange={dialog.openChange} title={`Replace the value of ${secret.name}`} description={`The new value becomes version ${secret.version + 1}; runs that start from now on use it.`}>
      <form className="space-y-4" onSubmit={submitWith((form) => dialog.run(() => replaceSecretAction({ ...owner, name: secret.name, value: String(form.get("value") ?? "") }), onDone))}>
        <FormError result={dialog.result} />
        <Field id="secret-new-value" label="New value" error={errors.value}>
          <SecretValueInput id="secret-new-value" invalid={Boolean(errors.value)} />
        </Field>
        <DialogActions onCancel={() => dialog.openChange(false)} pending={dialog.pending} submitLabel="Replace value" pendingLabel="Replacing…" />
      </form>
    </Dialog>
  );
}

function DescribeDialog({ owner, secret, onDone, onCancel }: DialogProps & { secret: SecretMeta }) {
  const dialog = useActionDialog((isOpen) => !isOpen && onCancel());
  const errors = dialog.result && !dialog.result.ok ? dialog.result.fieldErrors : {};
  return (
    <Dialog open onOpenChange={dialog.openChange} title={`Describe ${secret.name}`}>
      <form className="space-y-4" onSubmit={submitWith((form) => dialog.run(() => describeSecretAction({ ...owner, name: secret.name, description: String(form.get("description") ?? "") }), onDone))}>
        <FormError result={dialog.result} />
        <Field id="secret-edit-description" label="Description" error={errors.description}>
          <Textarea id="secret-edit-description" name="description" defaultValue={secret.description} rows={3} autoFocus />
        </Field>
        <DialogActions onCancel={() => dialog.openChange(false)} pending={dialog.pending} submitLabel="Save" pendingLabel="Saving…" />
      </form>
    </Dialog>
  );
}

function HistoryDialog({ owner, secret, onClose }: { owner: SecretOwner; secret: SecretMeta; onClose: () => void }) {
  const [detail, setDetail] = useState<ActionResult<SecretDetail>>();
  const { workspaceId, appId } = owner;
  useEffect(() => {
    void secretHistoryAction({ workspaceId, ...(appId ? { appId } : {}), name: secret.name }).then(setDetail);
  }, [workspaceId, appId, secret.name]);
  return (
    <Dialog open onOpenChange={(isOpen) => !isOpen && onClose()} title={`History of ${secret.name}`} description="Who wrote each version, and when. Values are never shown.">
      <FormError result={detail} />
      {!detail ? (
        <p className="text-sm text-fg-muted">Loading…</p>
      ) : (
        detail.ok && (
          <ol className="max-h-80 space-y-2 overflow-y-auto text-sm" aria-label="Versions">
            {detail.data.versions.map((version) => (
              <li key={version.version} data-testid={`version-${version.version}`} className="flex items-baseline justify-between gap-3 rounded border border-border px-3 py-2">
                <span className="font-medium">
                  v{version.version}
                  {version.version === detail.data.version && <Badge tone="ok">current</Badge>}
                </span>
                <span className="text-xs text-fg-muted">
                  {version.createdBy || "—"} · {formatTime(version.createdAt)}
                </span>
              </li>
            ))}
          </ol>
        )
      )}
      <div className="mt-4 flex justify-end">
        <Button onClick={onClose}>Close</Button>
      </div>
    </Dialog>
  );
}
