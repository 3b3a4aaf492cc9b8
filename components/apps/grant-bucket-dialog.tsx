"use client";

import { KeyRound } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { GrantFields, grantFromForm } from "@/components/buckets/grant-fields";
import { Button } from "@/components/ui/button";
import { Dialog, DialogActions } from "@/components/ui/dialog";
import { Field, Select } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { submitWith } from "@/components/ui/form-submit";
import { useActionDialog } from "@/components/ui/use-action-dialog";
import { grantToAppAction } from "@/lib/apps/actions";
import type { GrantLevel } from "@/lib/buckets/policy-document";

/** Grants the app access to one of the buckets the caller manages. */
export function GrantBucketDialog({ appId, buckets, levels }: { appId: string; buckets: { id: string; name: string }[]; levels: readonly GrantLevel[] }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const { result, pending, openChange, run } = useActionDialog(setOpen);
  const errors = result && !result.ok ? result.fieldErrors : {};
  const grant = (form: FormData) =>
    run(
      () => grantToAppAction({ appId, bucketId: String(form.get("bucketId")), ...grantFromForm(form) }),
      () => {
        openChange(false);
        router.refresh();
      },
    );
  return (
    <>
      <Button size="sm" onClick={() => openChange(true)}>
        <KeyRound size={14} aria-hidden /> Grant a bucket
      </Button>
      <Dialog open={open} onOpenChange={openChange} title="Grant a bucket to this app" description="Sluice writes the matching IAM policy on the app's role in a background task.">
        <form onSubmit={submitWith(grant)} className="space-y-4">
          <FormError result={result} />
          <Field id="grant-bucket" label="Bucket" error={errors.bucketId}>
            <Select id="grant-bucket" name="bucketId" required>
              {buckets.map((bucket) => (
                <option key={bucket.id} value={bucket.id}>
                  {bucket.name}
                </option>
              ))}
            </Select>
          </Field>
          <GrantFields idPrefix="grant" levels={levels} errors={errors} />
          <DialogActions onCancel={() => openChange(false)} pending={pending} submitLabel="Grant" pendingLabel="Granting…" />
        </form>
      </Dialog>
    </>
  );
}
