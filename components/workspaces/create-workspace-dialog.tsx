"use client";

import { Plus } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { createWorkspaceAction } from "@/app/(console)/workspaces/actions";
import { Button } from "@/components/ui/button";
import { Dialog, DialogActions } from "@/components/ui/dialog";
import { Field, Input, Textarea } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import type { ActionResult } from "@/lib/actions/action";
import { RulesEditor } from "./rules-editor";
import { submitWith } from "@/components/ui/form-submit";

export function CreateWorkspaceDialog() {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [rules, setRules] = useState<string[][]>([]);
  const [result, setResult] = useState<ActionResult<unknown>>();
  const [pending, startTransition] = useTransition();
  const errors = result && !result.ok ? result.fieldErrors : {};

  function submit(form: FormData) {
    startTransition(async () => {
      const outcome = await createWorkspaceAction({
        name: String(form.get("name") ?? ""),
        description: String(form.get("description") ?? ""),
        hidden: form.get("hidden") === "on",
        accessRules: rules,
      });
      setResult(outcome);
      if (outcome.ok) {
        setOpen(false);
        setRules([]);
        router.push(`/workspaces/${(outcome.data as { id: string }).id}`);
      }
    });
  }

  return (
    <>
      <Button onClick={() => (setResult(undefined), setOpen(true))}>
        <Plus size={16} aria-hidden /> New workspace
      </Button>
      <Dialog open={open} onOpenChange={setOpen} title="New workspace" description="A workspace holds workflows, runs and secrets for one team.">
        <form onSubmit={submitWith(submit)} className="space-y-4">
          <FormError result={result} />
          <Field id="ws-name" label="Name" error={errors.name}>
            <Input id="ws-name" name="name" required aria-invalid={Boolean(errors.name)} autoFocus />
          </Field>
          <Field id="ws-description" label="Description" error={errors.description}>
            <Textarea id="ws-description" name="description" rows={2} />
          </Field>
          <RulesEditor value={rules} onChange={setRules} error={errors.accessRules} />
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="hidden" /> Hide from people who cannot enter
          </label>
          <DialogActions onCancel={() => setOpen(false)} pending={pending} submitLabel="Create workspace" pendingLabel="Creating…" />
        </form>
      </Dialog>
    </>
  );
}
