"use client";

import { KeyRound, RotateCw, Webhook as WebhookIcon } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { formatTime } from "@/components/runs/format";
import { Button } from "@/components/ui/button";
import { Badge } from "@/components/ui/card";
import { CopyButton } from "@/components/ui/copy-button";
import { DeleteButton } from "@/components/ui/delete-button";
import { Dialog, DialogActions } from "@/components/ui/dialog";
import { Field, Input, Select } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { submitWith } from "@/components/ui/form-submit";
import { ActionsTh, Table, Td, Th } from "@/components/ui/table";
import { useActionDialog } from "@/components/ui/use-action-dialog";
import { createWebhookAction, deleteWebhookAction, rotateWebhookAction } from "@/lib/engine/triggers/actions";
import type { IssuedWebhook, Webhook } from "@/lib/engine/triggers/schema";
import type { WorkflowInput } from "@/lib/workflows/model";
import { sampleInputs } from "./format";
import { TriggerCard } from "./trigger-card";
import { useRowAction } from "./use-row-action";

const AUTH = { hmac: "HMAC signature (as GitHub signs)", bearer: "Bearer token" } as const;
const quoted = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

/** A shell example that calls the webhook with a body of the workflow's inputs: signed (HMAC-SHA256 with openssl) or with the bearer secret. */
export function curlExample(hook: Pick<Webhook, "url" | "auth">, inputs: readonly WorkflowInput[], secret?: string): string {
  const lines = [
    secret ? `SECRET=${quoted(secret)}` : "# SECRET=<the secret shown when the webhook was created or last rotated>",
    `BODY=${quoted(JSON.stringify(sampleInputs(inputs)))}`,
    `curl -sS -X POST ${quoted(hook.url)} \\`,
    `  -H 'Content-Type: application/json' \\`,
    hook.auth === "hmac"
      ? `  -H "X-Hub-Signature-256: sha256=$(printf '%s' "$BODY" | openssl dgst -sha256 -hmac "$SECRET" | sed 's/^.*= //')" \\`
      : `  -H "Authorization: Bearer $SECRET" \\`,
    `  -d "$BODY"`,
  ];
  return lines.join("\n");
}

function Copyable({ label, copyLabel, value, testId, block }: { label: string; copyLabel: string; value: string; testId: string; block?: boolean }) {
  const copy = <CopyButton value={value} label={copyLabel} />;
  return (
    <div>
      <div className="flex items-end justify-between gap-2 text-xs text-fg-muted">
        {label}
        {block && copy}
      </div>
      {block ? (
        <pre data-testid={testId} className="mt-1 overflow-x-auto whitespace-pre rounded bg-muted px-2 py-1 text-xs">
          {value}
        </pre>
      ) : (
        <div className="flex items-start gap-2">
          <code data-testid={testId} className="flex-1 break-all rounded bg-muted px-2 py-1 text-xs">
            {value}
          </code>
          {copy}
        </div>
      )}
    </div>
  );
}

/** The workflow's webhooks: each URL with copy buttons and a curl example; the secret is shown once, at create and rotate. */
export function WebhooksSection({ workspaceId, workflow, webhooks, inputs, mayManage }: { workspaceId: string; workflow: string; webhooks: Webhook[]; inputs: readonly WorkflowInput[]; mayManage: boolean }) {
  const router = useRouter();
  const [creating, setCreating] = useState(false);
  const [issued, setIssued] = useState<IssuedWebhook>();
  const create = useActionDialog(setCreating);
  const row = useRowAction();
  const errors = create.result && !create.result.ok ? create.result.fieldErrors : {};
  const show = (hook: IssuedWebhook) => {
    setCreating(false);
    setIssued(hook);
  };

  return (
    <>
      <TriggerCard
        icon={<WebhookIcon size={16} aria-hidden />}
        title="Webhooks"
        description="A URL that starts a run; the JSON body's fields are the inputs. The same body again within 5 minutes is refused."
        newLabel="New webhook"
        onNew={() => setCreating(true)}
        mayManage={mayManage}
        result={row.result}
        empty={webhooks.length === 0 ? { title: "No webhooks", hint: "Add one to start runs from another system (GitHub, CI, a script)." } : undefined}
      >
        <Table aria-label="Webhooks">
          <thead>
            <tr>
              <Th>Name</Th>
              <Th>URL</Th>
              <Th>Last called</Th>
              <ActionsTh />
            </tr>
          </thead>
          <tbody>
            {webhooks.map((hook) => {
              const ref = { workspaceId, workflow, webhookId: hook.id };
              return (
                <tr key={hook.id} id={`webhook-${hook.id}`} data-testid={`webhook-${hook.name}`} className="target:bg-accent/5">
                  <Td className="font-medium">
                    {hook.name} <Badge>{hook.auth === "hmac" ? "HMAC" : "bearer"}</Badge>
                    <div className="text-xs font-normal text-fg-muted">by {hook.createdBy}</div>
                  </Td>
                  <Td className="max-w-[28rem]">
                    <div className="flex items-center gap-2">
                      <code className="break-all text-xs">{hook.url}</code>
                      <span className="shrink-0">
                        <CopyButton value={hook.url} label="Copy URL" />
                      </span>
                    </div>
                    <details className="mt-1 text-xs">
                      <summary className="cursor-pointer text-fg-muted">curl example</summary>
                      <pre className="mt-1 overflow-x-auto rounded bg-muted px-2 py-1">{curlExample(hook, inputs)}</pre>
                    </details>
                  </Td>
                  <Td className="text-xs">
                    {hook.lastCalledAt ? (
                      <Link href={`/workspaces/${workspaceId}/runs?workflow=${workflow}&trigger=webhook`} className="text-accent hover:underline">
                        {formatTime(hook.lastCalledAt)}
                      </Link>
                    ) : (
                      <span className="text-fg-muted">never</span>
                    )}
                  </Td>
                  <Td>
                    {mayManage && (
                      <div className="flex justify-end gap-1">
                        <Button size="sm" variant="secondary" disabled={row.pending} onClick={() => window.confirm(`Rotate the secret of ${hook.name}? The old secret stops working.`) && row.run(() => rotateWebhookAction(ref), show)}>
                          <RotateCw size={14} aria-hidden /> Rotate
                        </Button>
                        <DeleteButton label={`Delete ${hook.name}`} disabled={row.pending} confirm={`Delete the webhook ${hook.name}? Its URL stops working.`} onDelete={() => row.run(() => deleteWebhookAction(ref))} />
                      </div>
                    )}
                  </Td>
                </tr>
              );
            })}
          </tbody>
        </Table>
      </TriggerCard>

      <Dialog open={creating} onOpenChange={create.openChange} title="New webhook">
        <form onSubmit={submitWith((form) => create.run(() => createWebhookAction({ workspaceId, workflow, name: String(form.get("name") ?? ""), auth: form.get("auth") as Webhook["auth"] }), (hook) => (show(hook), router.refresh())))} className="space-y-4">
          <FormError result={create.result} />
          <Field id="webhook-name" label="Name" error={errors.name} hint="Lower-case letters, digits and '-'.">
            <Input id="webhook-name" name="name" required autoFocus aria-invalid={Boolean(errors.name)} />
          </Field>
          <Field id="webhook-auth" label="Callers prove they know the secret with">
            <Select id="webhook-auth" name="auth" defaultValue="hmac">
              {Object.entries(AUTH).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </Select>
          </Field>
          <DialogActions onCancel={() => create.openChange(false)} pending={create.pending} submitLabel="Create webhook" pendingLabel="Creating…" />
        </form>
      </Dialog>

      <Dialog open={Boolean(issued)} onOpenChange={(open) => !open && setIssued(undefined)} title="Copy the secret now" description="This is the only time the secret is shown; Sluice keeps it sealed.">
        {issued && (
          <div className="space-y-3 text-sm" data-testid="issued-webhook">
            <Copyable label="URL" copyLabel="Copy URL" value={issued.url} testId="issued-webhook-url" />
            <div className="flex items-center gap-1 text-xs text-fg-muted">
              <KeyRound size={12} aria-hidden /> {AUTH[issued.auth]}
            </div>
            <Copyable label="Secret" copyLabel="Copy secret" value={issued.secret} testId="issued-webhook-secret" />
            <Copyable label="curl example" copyLabel="Copy example" value={curlExample(issued, inputs, issued.secret)} testId="curl-example" block />
            <div className="flex justify-end">
              <Button onClick={() => setIssued(undefined)}>Done</Button>
            </div>
          </div>
        )}
      </Dialog>
    </>
  );
}
