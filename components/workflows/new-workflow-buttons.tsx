"use client";

import { Plus, Upload } from "lucide-react";
import { useRouter } from "next/navigation";
import { useRef, useState, useTransition } from "react";
import { createWorkflowAction, importWorkflowAction } from "@/app/(console)/workspaces/[id]/workflows/actions";
import { Button } from "@/components/ui/button";
import { Dialog, DialogActions } from "@/components/ui/dialog";
import { Field, Input } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import type { ActionResult } from "@/lib/actions/action";
import { submitWith } from "@/components/ui/form-submit";

type Imported = { name: string; warnings: { message: string; path?: string }[]; problems: { message: string }[] };

export function NewWorkflowButtons({ workspaceId }: { workspaceId: string }) {
  const router = useRouter();
  const file = useRef<HTMLInputElement>(null);
  const [creating, setCreating] = useState(false);
  const [imported, setImported] = useState<Imported>();
  const [result, setResult] = useState<ActionResult<unknown>>();
  const [pending, startTransition] = useTransition();
  const errors = result && !result.ok ? result.fieldErrors : {};

  function create(form: FormData) {
    startTransition(async () => {
      const outcome = await createWorkflowAction({ workspaceId, name: String(form.get("name") ?? ""), description: String(form.get("description") ?? "") });
      setResult(outcome);
      if (outcome.ok) router.push(`/workspaces/${workspaceId}/workflows/${outcome.data.name}`);
    });
  }

  function importFile(selected: File | undefined) {
    if (!selected) return;
    startTransition(async () => {
      const outcome = await importWorkflowAction({ workspaceId, document: await selected.text() });
      setResult(outcome);
      if (file.current) file.current.value = "";
      if (!outcome.ok) return;
      if (outcome.data.warnings.length === 0 && outcome.data.problems.length === 0) router.push(`/workspaces/${workspaceId}/workflows/${outcome.data.name}`);
      else setImported(outcome.data);
    });
  }

  return (
    <div className="flex flex-col items-end gap-2">
      <div className="flex gap-2">
        <label className="sr-only" htmlFor="import-workflow-file">
          Import a workflow file
        </label>
        <input id="import-workflow-file" ref={file} type="file" accept=".yaml,.yml,.json" className="hidden" data-testid="import-workflow-file" onChange={(e) => importFile(e.target.files?.[0])} />
        <Button variant="secondary" disabled={pending} onClick={() => file.current?.click()}>
          <Upload size={16} aria-hidden /> {pending ? "Importing…" : "Import"}
        </Button>
        <Button onClick={() => (setResult(undefined), setCreating(true))}>
          <Plus size={16} aria-hidden /> New workflow
        </Button>
      </div>
      {!creating && <FormError result={result} />}
      <Dialog open={creating} onOpenChange={setCreating} title="New workflow">
        <form onSubmit={submitWith(create)} className="space-y-4">
          <FormError result={result} />
          <Field id="wf-name" label="Name" hint="Lower-case letters, digits and '-' (a DNS-1123 name, as Argo and Kubernetes require)." error={errors.name}>
            <Input id="wf-name" name="name" required autoFocus aria-invalid={Boolean(errors.name)} pattern="[a-z0-9]([-a-z0-9]*[a-z0-9])?" />
          </Field>
          <Field id="wf-description" label="Description">
            <Input id="wf-description" name="description" />
          </Field>
          <DialogActions onCancel={() => setCreating(false)} pending={pending} submitLabel="Create and open" pendingLabel="Creating…" />
        </form>
      </Dialog>
      <Dialog open={Boolean(imported)} onOpenChange={(open) => !open && setImported(undefined)} title={`Imported ${imported?.name ?? ""}`} description="Some parts need your attention.">
        {imported && (
          <div className="space-y-3 text-sm">
            {imported.warnings.length > 0 && (
              <div>
                <h3 className="font-medium">Not representable, reported instead of dropped</h3>
                <ul className="mt-1 list-disc space-y-1 pl-5" data-testid="import-warnings">
                  {imported.warnings.map((w, i) => (
                    <li key={i}>
                      {w.message} {w.path && <code className="text-xs text-fg-muted">{w.path}</code>}
                    </li>
                  ))}
                </ul>
              </div>
            )}
            {imported.problems.length > 0 && (
              <div>
                <h3 className="font-medium">To fix before the next save</h3>
                <ul className="mt-1 list-disc space-y-1 pl-5">
                  {imported.problems.map((p, i) => (
                    <li key={i}>{p.message}</li>
                  ))}
                </ul>
              </div>
            )}
            <div className="flex justify-end">
              <Button onClick={() => router.push(`/workspaces/${workspaceId}/workflows/${imported.name}`)}>Open in the builder</Button>
            </div>
          </div>
        )}
      </Dialog>
    </div>
  );
}
