"use client";

import { Plus } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { Badge, Card, CardHeader } from "@/components/ui/card";
import { DeleteButton } from "@/components/ui/delete-button";
import { Dialog, DialogActions } from "@/components/ui/dialog";
import { Field, Select, Textarea } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { submitWith } from "@/components/ui/form-submit";
import { useActionDialog } from "@/components/ui/use-action-dialog";
import type { ActionResult } from "@/lib/actions/action";
import { bindWorkflowAction, setBindingEnabledAction, unbindWorkflowAction } from "@/lib/storage/actions";
import type { SpaceBinding } from "@/lib/storage/bindings";

type Ref = { org: string; space: string };
const PAYLOAD_FIELDS = "organization, space, rootDir, container, files (a list of {name, size}), commitId, committedBy";
const DEFAULT_MAPPING = '{\n  "files": "files",\n  "rootDir": "rootDir"\n}';

function parseMapping(text: string): Record<string, string> | undefined {
  try {
    const value: unknown = JSON.parse(text || "{}");
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, string>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The space's trigger setting: workflows of its workspace that each commit to the space starts (event
 * triggers on storage.commit filtered to this organization and space, also on the workflows' Triggers tab).
 */
export function BindingsPanel({ target, workspaceId, bindings, workflows, canManage }: { target: Ref; workspaceId: string | null; bindings: SpaceBinding[]; workflows: string[]; canManage: boolean }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [result, setResult] = useState<ActionResult<unknown>>();
  const [pending, startTransition] = useTransition();
  const dialog = useActionDialog(setOpen);
  const [mappingError, setMappingError] = useState<string>();
  const errors = dialog.result && !dialog.result.ok ? dialog.result.fieldErrors : {};
  const act = (action: () => Promise<ActionResult<unknown>>) =>
    startTransition(async () => {
      const outcome = await action();
      setResult(outcome);
      if (outcome.ok) router.refresh();
    });

  function bind(form: FormData) {
    const inputs = parseMapping(String(form.get("inputs") ?? ""));
    setMappingError(inputs ? undefined : "a JSON object: input name → commit field");
    if (!inputs) return;
    dialog.run(() => bindWorkflowAction({ ...target, workflow: String(form.get("workflow")), inputs }), () => (setOpen(false), router.refresh()));
  }

  return (
    <Card>
      <CardHeader
        title="On commit"
        description="Workflows each commit to this space starts, with the commit's fields as inputs."
        actions={
          canManage &&
          workflows.length > 0 && (
            <Button size="sm" className="whitespace-nowrap" onClick={() => setOpen(true)}>
              <Plus size={14} aria-hidden /> Bind workflow
            </Button>
          )
        }
      />
      <div className="space-y-2 p-4 text-sm">
        <FormError result={result} />
        {!workspaceId && <p className="text-fg-muted">The space belongs to no workspace, so no workflow can be bound to it.</p>}
        {workspaceId && bindings.length === 0 && <p className="text-fg-muted">No workflow is bound.</p>}
        <ul className="space-y-2">
          {bindings.map((binding) => (
            <li key={binding.id} data-testid={`binding-${binding.workflow}`} className="flex flex-wrap items-center gap-2">
              <Link href={`/workspaces/${workspaceId}/workflows/${binding.workflow}/triggers`} className="font-medium hover:underline">
                {binding.workflow}
              </Link>
              {!binding.enabled && <Badge tone="warn">disabled</Badge>}
              <code className="text-xs text-fg-muted">
                {Object.entries(binding.inputs)
                  .map(([input, field]) => `${input} ← ${field}`)
                  .join(", ") || "no inputs"}
              </code>
              {binding.canManage && (
                <span className="ml-auto flex gap-1">
                  <Button size="sm" variant="secondary" disabled={pending} onClick={() => act(() => setBindingEnabledAction({ ...target, bindingId: binding.id, enabled: !binding.enabled }))}>
                    {binding.enabled ? "Disable" : "Enable"}
                  </Button>
                  <DeleteButton label={`Unbind ${binding.workflow}`} disabled={pending} onDelete={() => act(() => unbindWorkflowAction({ ...target, bindingId: binding.id }))} />
                </span>
              )}
            </li>
          ))}
        </ul>
      </div>
      <Dialog open={open} onOpenChange={dialog.openChange} title="Bind a workflow" description="Each commit to this space starts it.">
        <form onSubmit={submitWith(bind)} className="space-y-4">
          <FormError result={dialog.result} />
          <Field id="binding-workflow" label="Workflow" error={errors.workflow}>
            <Select id="binding-workflow" name="workflow">
              {workflows.map((name) => (
                <option key={name}>{name}</option>
              ))}
            </Select>
          </Field>
          <Field id="binding-inputs" label="Inputs (JSON)" hint={`Workflow input → commit field: ${PAYLOAD_FIELDS}.`} error={mappingError ?? Object.entries(errors).find(([path]) => path.startsWith("inputs"))?.[1]}>
            <Textarea id="binding-inputs" name="inputs" rows={4} defaultValue={DEFAULT_MAPPING} className="font-mono text-xs" />
          </Field>
          <DialogActions onCancel={() => dialog.openChange(false)} pending={dialog.pending} submitLabel="Bind workflow" />
        </form>
      </Dialog>
    </Card>
  );
}
