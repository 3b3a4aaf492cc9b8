"use client";

import { Button } from "@/components/ui/button";
import { Dialog, DialogActions } from "@/components/ui/dialog";
import { FormError } from "@/components/ui/form-error";
import { submitWith } from "@/components/ui/form-submit";
import { useActionDialog } from "@/components/ui/use-action-dialog";
import type { ActionResult } from "@/lib/actions/action";

export type RetryOptions = { from: "failed" | "start"; version: "same" | "latest" };

/**
 * Retry one run or several: from the failed steps (what succeeded is kept) or from the start, on the
 * same workflow version or the latest. `onRetry` answers with the action's result; a failure stays open.
 */
export function RetryDialog({ open, onOpenChange, title, version, failedAllowed, onRetry }: { open: boolean; onOpenChange: (open: boolean) => void; title: string; version?: number; failedAllowed: boolean; onRetry: (options: RetryOptions) => Promise<ActionResult<unknown>> }) {
  const { result, pending, openChange, run } = useActionDialog(onOpenChange);

  function submit(form: FormData) {
    const options: RetryOptions = { from: form.get("from") === "start" ? "start" : "failed", version: form.get("version") === "latest" ? "latest" : "same" };
    run(() => onRetry(options), () => openChange(false));
  }

  const radio = "flex items-start gap-2 text-sm";
  return (
    <Dialog
      open={open}
      onOpenChange={openChange}
      title={title}
      description="A retry is a new run, linked to the one it retries."
    >
      <form onSubmit={submitWith(submit)} className="space-y-4" data-testid="retry-form">
        <FormError result={result} />
        <fieldset className="space-y-1.5">
          <legend className="mb-1 text-sm font-medium">Run again</legend>
          <label className={radio}>
            <input type="radio" name="from" value="failed" defaultChecked={failedAllowed} disabled={!failedAllowed} className="mt-1" />
            <span>
              The failed steps <span className="text-fg-muted">— steps that succeeded keep their outputs and do not run again</span>
            </span>
          </label>
          <label className={radio}>
            <input type="radio" name="from" value="start" defaultChecked={!failedAllowed} className="mt-1" />
            <span>Everything, from the start</span>
          </label>
        </fieldset>
        <fieldset className="space-y-1.5">
          <legend className="mb-1 text-sm font-medium">Workflow version</legend>
          <label className={radio}>
            <input type="radio" name="version" value="same" defaultChecked className="mt-1" />
            <span>The same version{version ? ` (v${version})` : ""}</span>
          </label>
          <label className={radio}>
            <input type="radio" name="version" value="latest" className="mt-1" />
            <span>The latest version</span>
          </label>
        </fieldset>
        <DialogActions onCancel={() => openChange(false)} pending={pending} submitLabel="Retry" pendingLabel="Retrying…" />
      </form>
    </Dialog>
  );
}

/** Asks before cancelling: running steps are stopped and a cancelled run never resumes. */
export function CancelDialog({ open, onOpenChange, count, onCancel }: { open: boolean; onOpenChange: (open: boolean) => void; count: number; onCancel: () => Promise<ActionResult<unknown>> }) {
  const { result, pending, openChange, run } = useActionDialog(onOpenChange);
  const what = count === 1 ? "this run" : `${count} runs`;
  return (
    <Dialog
      open={open}
      onOpenChange={openChange}
      title={`Cancel ${what}?`}
      description="Running steps are stopped, steps that have not started will not, and sub-workflow runs are cancelled too. A cancelled run does not resume; retry it instead."
    >
      <div className="space-y-4">
        <FormError result={result} />
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={() => openChange(false)} autoFocus>
            Keep running
          </Button>
          <Button
            variant="danger"
            disabled={pending}
            data-testid="confirm-cancel"
            onClick={() => run(onCancel, () => openChange(false))}
          >
            {pending ? "Cancelling…" : `Cancel ${what}`}
          </Button>
        </div>
      </div>
    </Dialog>
  );
}
