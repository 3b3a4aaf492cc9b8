"use client";

import { Plus } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogActions } from "@/components/ui/dialog";
import { Field, Input, Select } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { submitWith } from "@/components/ui/form-submit";
import { useActionDialog } from "@/components/ui/use-action-dialog";
import { createBucketAction } from "@/lib/buckets/actions";
import type { Bucket } from "@/lib/buckets/schema";

type Option = { id: string; name: string };

/** Registers an existing S3 bucket, named by the rule (its prefix shown), for grants. */
export function RegisterBucketDialog({ prefix, workspaces, classifications }: { prefix: string; workspaces: Option[]; classifications: readonly Bucket["classification"][] }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const { result, pending, openChange, run } = useActionDialog(setOpen);
  const errors = result && !result.ok ? result.fieldErrors : {};
  const register = (form: FormData) =>
    run(
      () =>
        createBucketAction({
          name: `${prefix}${String(form.get("name") ?? "").trim()}`,
          workspaceId: String(form.get("workspaceId")),
          classification: String(form.get("classification")) as Bucket["classification"],
        }),
      (bucket) => {
        openChange(false);
        router.push(`/buckets/${bucket.id}`);
      },
    );
  return (
    <>
      <Button onClick={() => openChange(true)}>
        <Plus size={16} aria-hidden /> Register bucket
      </Button>
      <Dialog open={open} onOpenChange={openChange} title="Register an S3 bucket" description="An existing bucket in the AWS account, so that apps and people can be granted access to it.">
        <form onSubmit={submitWith(register)} className="space-y-4">
          <FormError result={result} />
          <Field id="bucket-name" label="Name" hint={`The bucket's full name is ${prefix}<name>: lower-case letters, digits and '-'.`} error={errors.name}>
            <div className="flex items-center gap-1">
              <code className="whitespace-nowrap text-sm text-fg-muted">{prefix}</code>
              <Input id="bucket-name" name="name" required autoFocus aria-invalid={Boolean(errors.name)} />
            </div>
          </Field>
          <Field id="bucket-workspace" label="Owner workspace" error={errors.workspaceId}>
            <Select id="bucket-workspace" name="workspaceId" required>
              {workspaces.map((ws) => (
                <option key={ws.id} value={ws.id}>
                  {ws.name}
                </option>
              ))}
            </Select>
          </Field>
          <Field id="bucket-classification" label="Data classification" error={errors.classification}>
            <Select id="bucket-classification" name="classification" defaultValue="internal">
              {classifications.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </Select>
          </Field>
          <DialogActions onCancel={() => openChange(false)} pending={pending} submitLabel="Register" pendingLabel="Registering…" />
        </form>
      </Dialog>
    </>
  );
}
