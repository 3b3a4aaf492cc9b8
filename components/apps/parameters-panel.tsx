"use client";

import { Plus } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { formatTime } from "@/components/runs/format";
import { SecretValueInput } from "@/components/secrets/secret-value-input";
import { Button } from "@/components/ui/button";
import { Card, CardHeader, EmptyState } from "@/components/ui/card";
import { DeleteButton } from "@/components/ui/delete-button";
import { Dialog, DialogActions } from "@/components/ui/dialog";
import { Field, Input } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { submitWith } from "@/components/ui/form-submit";
import { ActionsTh, Table, Td, Th } from "@/components/ui/table";
import { useActionDialog } from "@/components/ui/use-action-dialog";
import { deleteParameterAction, putParameterAction } from "@/lib/apps/actions";
import type { Parameter } from "@/lib/apps/schema";

/** An app's parameters in SSM Parameter Store: names and descriptions here, values only there (written, never read back). */
export function ParametersPanel({ appId, parameters }: { appId: string; parameters: Parameter[] }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const dialog = useActionDialog(setOpen);
  const row = useActionDialog(() => undefined);
  const errors = dialog.result && !dialog.result.ok ? dialog.result.fieldErrors : {};
  const put = (form: FormData) =>
    dialog.run(
      () => putParameterAction({ appId, name: String(form.get("name") ?? "").trim(), value: String(form.get("value") ?? ""), description: String(form.get("description") ?? "") }),
      () => {
        dialog.openChange(false);
        router.refresh();
      },
    );
  const remove = (parameter: Parameter) => {
    if (!window.confirm(`Delete ${parameter.name} from Parameter Store?`)) return;
    row.run(() => deleteParameterAction({ appId, name: parameter.name }), () => router.refresh());
  };
  return (
    <Card>
      <CardHeader
        title="Parameters"
        description="In AWS SSM Parameter Store as SecureStrings; values are never shown."
        actions={
          <Button size="sm" onClick={() => dialog.openChange(true)}>
            <Plus size={14} aria-hidden /> Set parameter
          </Button>
        }
      />
      <div className="p-4">
        <FormError result={row.result} />
        {parameters.length === 0 ? (
          <EmptyState title="No parameters" />
        ) : (
          <Table aria-label="Parameters">
            <thead>
              <tr>
                <Th>Name</Th>
                <Th>In Parameter Store</Th>
                <Th>Description</Th>
                <Th>Changed</Th>
                <ActionsTh />
              </tr>
            </thead>
            <tbody>
              {parameters.map((parameter) => (
                <tr key={parameter.name}>
                  <Td className="font-medium">{parameter.name}</Td>
                  <Td>
                    <code className="text-xs">{parameter.path}</code>
                  </Td>
                  <Td className="text-sm">{parameter.description || "—"}</Td>
                  <Td className="text-xs text-fg-muted">
                    {formatTime(parameter.updatedAt)} by {parameter.updatedBy}
                  </Td>
                  <Td>
                    <DeleteButton label={`Delete ${parameter.name}`} disabled={row.pending} onDelete={() => remove(parameter)} />
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </div>
      <Dialog open={open} onOpenChange={dialog.openChange} title="Set a parameter" description="The value goes to SSM Parameter Store as a SecureString; Sluice does not show it again.">
        <form onSubmit={submitWith(put)} className="space-y-4">
          <FormError result={dialog.result} />
          <Field id="parameter-name" label="Name" hint="Letters, digits and '_', like an environment variable." error={errors.name}>
            <Input id="parameter-name" name="name" required autoFocus aria-invalid={Boolean(errors.name)} />
          </Field>
          <Field id="parameter-value" label="Value" error={errors.value}>
            <SecretValueInput id="parameter-value" invalid={Boolean(errors.value)} />
          </Field>
          <Field id="parameter-description" label="Description (optional)" error={errors.description}>
            <Input id="parameter-description" name="description" />
          </Field>
          <DialogActions onCancel={() => dialog.openChange(false)} pending={dialog.pending} submitLabel="Set" pendingLabel="Setting…" />
        </form>
      </Dialog>
    </Card>
  );
}
