"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { Field, Select } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { submitWith } from "@/components/ui/form-submit";
import type { ActionResult } from "@/lib/actions/action";
import { deleteBucketAction, updateBucketAction } from "@/lib/buckets/actions";
import type { Bucket } from "@/lib/buckets/schema";

/** A bucket's classification and owner workspace, and unregistering it: for its admins. */
export function BucketSettings({ bucket, workspaces, classifications }: { bucket: Bucket; workspaces: { id: string; name: string }[]; classifications: readonly Bucket["classification"][] }) {
  const router = useRouter();
  const [result, setResult] = useState<ActionResult<unknown>>();
  const [pending, startTransition] = useTransition();
  const errors = result && !result.ok ? result.fieldErrors : {};
  const save = (form: FormData) =>
    startTransition(async () => {
      const outcome = await updateBucketAction({ id: bucket.id, classification: String(form.get("classification")) as Bucket["classification"], workspaceId: String(form.get("workspaceId")) });
      setResult(outcome);
      if (outcome.ok) router.refresh();
    });
  const unregister = () => {
    if (!window.confirm(`Unregister ${bucket.name}? Every grant on it ends and its IAM policies are removed; the bucket and its data stay in S3.`)) return;
    startTransition(async () => {
      const outcome = await deleteBucketAction({ id: bucket.id });
      setResult(outcome);
      if (outcome.ok) router.push("/buckets");
    });
  };
  return (
    <form onSubmit={submitWith(save)} className="flex flex-wrap items-end gap-3 p-4">
      <FormError result={result} />
      <Field id="bucket-classification" label="Data classification" error={errors.classification}>
        <Select id="bucket-classification" name="classification" defaultValue={bucket.classification} className="w-40">
          {classifications.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </Select>
      </Field>
      <Field id="bucket-workspace" label="Owner workspace" error={errors.workspaceId}>
        <Select id="bucket-workspace" name="workspaceId" defaultValue={bucket.workspace.id} className="w-56">
          {workspaces.map((ws) => (
            <option key={ws.id} value={ws.id}>
              {ws.name}
            </option>
          ))}
        </Select>
      </Field>
      <Button type="submit" variant="secondary" disabled={pending}>
        Save
      </Button>
      <Button variant="danger" className="ml-auto" disabled={pending} onClick={unregister}>
        Unregister bucket
      </Button>
    </form>
  );
}
