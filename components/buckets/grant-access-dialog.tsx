"use client";

import { KeyRound } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogActions } from "@/components/ui/dialog";
import { Field, Input, Select } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { submitWith } from "@/components/ui/form-submit";
import { useActionDialog } from "@/components/ui/use-action-dialog";
import { grantBucketAction } from "@/lib/buckets/actions";
import type { GrantLevel } from "@/lib/buckets/policy-document";
import { GrantFields, grantFromForm } from "./grant-fields";

/** Grants an app or a person access to the bucket (or changes an existing grant). */
export function GrantAccessDialog({ bucketId, apps, levels }: { bucketId: string; apps: { id: string; name: string }[]; levels: readonly GrantLevel[] }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [kind, setKind] = useState<"app" | "user">(apps.length > 0 ? "app" : "user");
  const { result, pending, openChange, run } = useActionDialog(setOpen);
  const errors = result && !result.ok ? result.fieldErrors : {};
  const grant = (form: FormData) =>
    run(
      () => grantBucketAction({ bucketId, principal: { kind, id: String(form.get("principal") ?? "").trim() }, ...grantFromForm(form) }),
      () => {
        openChange(false);
        router.refresh();
      },
    );
  return (
    <>
      <Button size="sm" onClick={() => openChange(true)}>
        <KeyRound size={14} aria-hidden /> Grant access
      </Button>
      <Dialog open={open} onOpenChange={openChange} title="Grant access to this bucket" description="Sluice writes the matching IAM policy on the app's or person's role in a background task.">
        <form onSubmit={submitWith(grant)} className="space-y-4">
          <FormError result={result} />
          <fieldset className="flex gap-4 text-sm">
            <legend className="sr-only">Grant to</legend>
            {(["app", "user"] as const).map((option) => (
              <label key={option} className="flex items-center gap-1.5">
                <input type="radio" name="kind" value={option} checked={kind === option} onChange={() => setKind(option)} /> {option === "app" ? "An app" : "A person"}
              </label>
            ))}
          </fieldset>
          {kind === "app" ? (
            <Field id="grant-app" label="App" error={errors["principal.id"]}>
              <Select id="grant-app" name="principal" required>
                {apps.map((app) => (
                  <option key={app.id} value={app.id}>
                    {app.name}
                  </option>
                ))}
              </Select>
            </Field>
          ) : (
            <Field id="grant-user" label="E-mail" error={errors["principal.id"]}>
              <Input id="grant-user" name="principal" type="email" required aria-invalid={Boolean(errors["principal.id"])} />
            </Field>
          )}
          <GrantFields idPrefix="grant" levels={levels} errors={errors} />
          <DialogActions onCancel={() => openChange(false)} pending={pending} submitLabel="Grant" pendingLabel="Granting…" />
        </form>
      </Dialog>
    </>
  );
}
