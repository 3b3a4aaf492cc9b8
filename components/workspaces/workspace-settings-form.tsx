"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { archiveWorkspaceAction, updateWorkspaceAction } from "@/app/(console)/workspaces/actions";
import { Button } from "@/components/ui/button";
import { Field, Input, Textarea } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import type { ActionResult } from "@/lib/actions/action";
import type { Workspace } from "@/lib/workspaces/schema";
import { submitWith } from "@/components/ui/form-submit";

export function WorkspaceSettingsForm({ workspace, readOnly }: { workspace: Workspace; readOnly: boolean }) {
  const router = useRouter();
  const [result, setResult] = useState<ActionResult<unknown>>();
  const [saved, setSaved] = useState(false);
  const [pending, startTransition] = useTransition();
  const errors = result && !result.ok ? result.fieldErrors : {};

  function save(form: FormData) {
    startTransition(async () => {
      setSaved(false);
      const outcome = await updateWorkspaceAction({
        id: workspace.id,
        expectedVersion: workspace.version,
        name: String(form.get("name")),
        description: String(form.get("description")),
        hidden: form.get("hidden") === "on",
      });
      setResult(outcome);
      if (outcome.ok) {
        setSaved(true);
        router.refresh();
      }
    });
  }

  function archive() {
    if (!window.confirm(`Archive ${workspace.name}? It stays readable but can no longer be changed.`)) return;
    startTransition(async () => {
      const outcome = await archiveWorkspaceAction({ id: workspace.id, expectedVersion: workspace.version });
      setResult(outcome);
      if (outcome.ok) router.refresh();
    });
  }

  return (
    <form onSubmit={submitWith(save)} className="max-w-xl space-y-4">
      <FormError result={result} />
      {saved && (
        <p role="status" className="rounded-md bg-ok/10 px-3 py-2 text-sm text-ok">
          Saved.
        </p>
      )}
      <Field id="ws-name" label="Name" error={errors.name}>
        <Input id="ws-name" name="name" defaultValue={workspace.name} disabled={readOnly} aria-invalid={Boolean(errors.name)} required />
      </Field>
      <Field id="ws-description" label="Description" error={errors.description}>
        <Textarea id="ws-description" name="description" defaultValue={workspace.description} disabled={readOnly} rows={3} />
      </Field>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="hidden" defaultChecked={workspace.hidden} disabled={readOnly} /> Hide from people who cannot enter
      </label>
      {!readOnly && (
        <div className="flex justify-between gap-2">
          <Button type="submit" disabled={pending}>
            {pending ? "Saving…" : "Save changes"}
          </Button>
          <Button variant="danger" onClick={archive} disabled={pending}>
            Archive workspace
          </Button>
        </div>
      )}
    </form>
  );
}
