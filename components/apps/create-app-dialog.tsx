"use client";

import { Plus } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogActions } from "@/components/ui/dialog";
import { Field, Input, Select, Textarea } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { submitWith } from "@/components/ui/form-submit";
import { useActionDialog } from "@/components/ui/use-action-dialog";
import { createAppAction } from "@/lib/apps/actions";
import { splitPeople } from "./people";

/** Creates an app; its IAM role is made by a background task, which the app's page follows. */
export function CreateAppDialog({ workspaces }: { workspaces: { id: string; name: string }[] }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const { result, pending, openChange, run } = useActionDialog(setOpen);
  const errors = result && !result.ok ? result.fieldErrors : {};
  const create = (form: FormData) =>
    run(
      () =>
        createAppAction({
          name: String(form.get("name") ?? ""),
          ...(String(form.get("slug") ?? "").trim() ? { slug: String(form.get("slug")).trim() } : {}),
          description: String(form.get("description") ?? ""),
          repoUrl: String(form.get("repoUrl") ?? "").trim(),
          workspaceId: String(form.get("workspaceId")),
          admins: splitPeople(String(form.get("admins") ?? "")),
        }),
      ({ app }) => {
        openChange(false);
        router.push(`/apps/${app.id}`);
      },
    );
  return (
    <>
      <Button onClick={() => openChange(true)}>
        <Plus size={16} aria-hidden /> New app
      </Button>
      <Dialog open={open} onOpenChange={openChange} title="New app" description="Creating an app creates its AWS IAM role in a background task.">
        <form onSubmit={submitWith(create)} className="space-y-4">
          <FormError result={result} />
          <Field id="app-name" label="Name" error={errors.name}>
            <Input id="app-name" name="name" required autoFocus aria-invalid={Boolean(errors.name)} />
          </Field>
          <Field id="app-slug" label="Slug (optional)" hint="Names the app's cloud resources and never changes; derived from the name when empty." error={errors.slug}>
            <Input id="app-slug" name="slug" aria-invalid={Boolean(errors.slug)} placeholder="sales-dashboard" />
          </Field>
          <Field id="app-description" label="Description" error={errors.description}>
            <Textarea id="app-description" name="description" rows={2} />
          </Field>
          <Field id="app-repo" label="Source repository (https)" error={errors.repoUrl}>
            <Input id="app-repo" name="repoUrl" type="url" placeholder="https://github.com/acme/app" aria-invalid={Boolean(errors.repoUrl)} />
          </Field>
          <Field id="app-workspace" label="Workspace" error={errors.workspaceId}>
            <Select id="app-workspace" name="workspaceId" required>
              {workspaces.map((ws) => (
                <option key={ws.id} value={ws.id}>
                  {ws.name}
                </option>
              ))}
            </Select>
          </Field>
          <Field id="app-admins" label="App admins (optional)" hint="E-mails, separated by commas or new lines." error={errors.admins ?? Object.entries(errors).find(([path]) => path.startsWith("admins."))?.[1]}>
            <Textarea id="app-admins" name="admins" rows={2} />
          </Field>
          <DialogActions onCancel={() => openChange(false)} pending={pending} submitLabel="Create app" pendingLabel="Creating…" />
        </form>
      </Dialog>
    </>
  );
}
