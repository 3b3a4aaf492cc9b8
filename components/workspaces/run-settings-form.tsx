"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { updateWorkspaceAction } from "@/app/(console)/workspaces/actions";
import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { submitWith } from "@/components/ui/form-submit";
import type { ActionResult } from "@/lib/actions/action";
import { STEP_KINDS } from "@/lib/workflows/model";
import type { Workspace } from "@/lib/workspaces/schema";

/** How the workspace runs: a concurrency limit, who sees which runs, and (tenant admins) the step kinds it may use. */
export function RunSettingsForm({ workspace, readOnly, tenantAdmin }: { workspace: Workspace; readOnly: boolean; tenantAdmin: boolean }) {
  const router = useRouter();
  const [result, setResult] = useState<ActionResult<unknown>>();
  const [saved, setSaved] = useState(false);
  const [pending, startTransition] = useTransition();
  const errors = result && !result.ok ? result.fieldErrors : {};
  const allowed = workspace.allowedStepKinds ?? [...STEP_KINDS];

  function save(form: FormData) {
    startTransition(async () => {
      setSaved(false);
      const limit = String(form.get("maxConcurrentRuns") ?? "").trim();
      const kinds = STEP_KINDS.filter((kind) => form.get(`kind-${kind}`) === "on");
      const outcome = await updateWorkspaceAction({
        id: workspace.id,
        expectedVersion: workspace.version,
        maxConcurrentRuns: limit === "" ? null : Number(limit),
        runVisibility: form.get("runVisibility") === "own" ? "own" : "all",
        ...(tenantAdmin
          ? { allowedStepKinds: kinds.length === STEP_KINDS.length ? null : kinds, engine: form.get("engine") === "local" || form.get("engine") === "argo" ? (form.get("engine") as "local" | "argo") : null }
          : {}),
      });
      setResult(outcome);
      if (outcome.ok) {
        setSaved(true);
        router.refresh();
      }
    });
  }

  return (
    <form onSubmit={submitWith(save)} className="max-w-xl space-y-4" aria-label="Run settings">
      <FormError result={result} />
      {saved && (
        <p role="status" className="rounded-md bg-ok/10 px-3 py-2 text-sm text-ok">
          Saved.
        </p>
      )}
      <Field id="ws-max-runs" label="Runs at once" hint="Leave empty for no limit; more runs wait as queued." error={errors.maxConcurrentRuns}>
        <Input id="ws-max-runs" name="maxConcurrentRuns" type="number" min={1} max={10000} defaultValue={workspace.maxConcurrentRuns ?? ""} disabled={readOnly} />
      </Field>
      <Field id="ws-run-visibility" label="Who sees runs" error={errors.runVisibility}>
        <Select id="ws-run-visibility" name="runVisibility" defaultValue={workspace.runVisibility ?? "all"} disabled={readOnly}>
          <option value="all">Every member sees every run</option>
          <option value="own">Viewers see only the runs they started</option>
        </Select>
      </Field>
      <Field id="ws-engine" label="Engine" hint={tenantAdmin ? "Where its runs run; moving to Argo keeps the workflows." : "Chosen by tenant admins."} error={errors.engine}>
        <Select id="ws-engine" name="engine" defaultValue={workspace.engine ?? ""} disabled={readOnly || !tenantAdmin}>
          <option value="">The installation's default</option>
          <option value="local">Embedded engine (this server's workers)</option>
          <option value="argo">Argo Workflows on Kubernetes</option>
        </Select>
      </Field>
      <fieldset className="space-y-1">
        <legend className="text-sm font-medium">Step kinds its workflows may use</legend>
        <p className="text-xs text-fg-muted">{tenantAdmin ? "Validation reports steps of other kinds." : "Chosen by tenant admins."}</p>
        <div className="flex flex-wrap gap-4 pt-1">
          {STEP_KINDS.map((kind) => (
            <label key={kind} className="flex items-center gap-2 text-sm">
              <input type="checkbox" name={`kind-${kind}`} defaultChecked={allowed.includes(kind)} disabled={readOnly || !tenantAdmin} /> {kind}
            </label>
          ))}
        </div>
      </fieldset>
      {!readOnly && (
        <Button type="submit" disabled={pending}>
          {pending ? "Saving…" : "Save run settings"}
        </Button>
      )}
    </form>
  );
}
