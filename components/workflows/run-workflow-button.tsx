"use client";

import { Play } from "lucide-react";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "@/lib/actions/action";
import { startFormAction } from "@/lib/engine/runs/actions";
import { StartRunDialog, type StartForm } from "./start-run-dialog";

/**
 * "Run": opens the start form of a workflow. The editor hands the form over (the version it shows);
 * a list row leaves it out and the latest version's form is loaded at each press.
 */
export function RunWorkflowButton({ workspaceId, workflow, form: given, note, variant = "primary" }: { workspaceId: string; workflow: string; form?: StartForm; note?: string; variant?: "primary" | "secondary" }) {
  const [open, setOpen] = useState(false);
  const [loaded, setLoaded] = useState<StartForm>();
  const [failure, setFailure] = useState<ActionResult<unknown>>();
  const [pending, startTransition] = useTransition();
  const form = given ?? loaded;

  function press() {
    setFailure(undefined);
    if (given) {
      setOpen(true);
      return;
    }
    startTransition(async () => {
      const outcome = await startFormAction({ workspaceId, workflow });
      if (!outcome.ok) {
        setFailure(outcome);
        return;
      }
      setLoaded(outcome.data);
      setOpen(true);
    });
  }

  return (
    <>
      <Button size="sm" variant={variant} onClick={press} disabled={pending} aria-label={`Run ${workflow}`} data-testid="run-workflow">
        <Play size={14} aria-hidden /> {pending ? "Loading…" : "Run"}
      </Button>
      {failure && !failure.ok && (
        <span role="alert" className="text-xs text-danger">
          {failure.message}
        </span>
      )}
      {form && <StartRunDialog open={open} onOpenChange={setOpen} workspaceId={workspaceId} workflow={workflow} form={form} note={note} />}
    </>
  );
}
