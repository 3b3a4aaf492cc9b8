"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { updateWorkspaceAction } from "@/app/(console)/workspaces/actions";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/form-error";
import type { ActionResult } from "@/lib/actions/action";
import type { Workspace } from "@/lib/workspaces/schema";
import { RulesEditor } from "./rules-editor";

export function WorkspaceRulesForm({ workspace, readOnly }: { workspace: Workspace; readOnly: boolean }) {
  const router = useRouter();
  const [rules, setRules] = useState<string[][]>(workspace.accessRules ?? []);
  const [result, setResult] = useState<ActionResult<unknown>>();
  const [pending, startTransition] = useTransition();
  const dirty = JSON.stringify(rules) !== JSON.stringify(workspace.accessRules ?? []);

  function save() {
    startTransition(async () => {
      const outcome = await updateWorkspaceAction({ id: workspace.id, expectedVersion: workspace.version, accessRules: rules });
      setResult(outcome);
      if (outcome.ok) router.refresh();
    });
  }

  return (
    <div className="space-y-3">
      <FormError result={result} />
      {result?.ok && !dirty && (
        <p role="status" className="rounded-md bg-ok/10 px-3 py-2 text-sm text-ok">
          Rules saved.
        </p>
      )}
      <RulesEditor hideLegend value={rules} onChange={setRules} readOnly={readOnly} error={result && !result.ok ? result.fieldErrors.accessRules : undefined} />
      {!readOnly && (
        <Button onClick={save} disabled={pending || !dirty}>
          {pending ? "Saving…" : "Save rules"}
        </Button>
      )}
    </div>
  );
}
