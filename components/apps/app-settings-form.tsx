"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { Field, Input, Textarea } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { submitWith } from "@/components/ui/form-submit";
import type { ActionResult } from "@/lib/actions/action";
import { deleteAppAction, updateAppAction } from "@/lib/apps/actions";
import type { App } from "@/lib/apps/schema";
import { splitPeople } from "./people";

/** An app's name, description, repository and admins; deleting it, for platform admins. */
export function AppSettingsForm({ app }: { app: App }) {
  const router = useRouter();
  const [result, setResult] = useState<ActionResult<unknown>>();
  const [saved, setSaved] = useState(false);
  const [pending, startTransition] = useTransition();
  const errors = result && !result.ok ? result.fieldErrors : {};
  const save = (form: FormData) =>
    startTransition(async () => {
      setSaved(false);
      const outcome = await updateAppAction({
        id: app.id,
        name: String(form.get("name") ?? ""),
        description: String(form.get("description") ?? ""),
        repoUrl: String(form.get("repoUrl") ?? "").trim(),
        admins: splitPeople(String(form.get("admins") ?? "")),
      });
      setResult(outcome);
      if (outcome.ok) {
        setSaved(true);
        router.refresh();
      }
    });
  const remove = () => {
    if (!window.confirm(`Delete ${app.name}? Its grants end, and its parameters, policies and IAM role are deleted.`)) return;
    startTransition(async () => {
      const outcome = await deleteAppAction({ id: app.id });
      setResult(outcome);
      if (outcome.ok) router.push("/apps");
    });
  };
  return (
    <form onSubmit={submitWith(save)} className="max-w-xl space-y-4 p-4">
      <FormError result={result} />
      {saved && (
        <p role="status" className="rounded-md bg-ok/10 px-3 py-2 text-sm text-ok">
          Saved.
        </p>
      )}
      <Field id="app-name" label="Name" error={errors.name}>
        <Input id="app-name" name="name" defaultValue={app.name} required aria-invalid={Boolean(errors.name)} />
      </Field>
      <Field id="app-description" label="Description" error={errors.description}>
        <Textarea id="app-description" name="description" defaultValue={app.description} rows={2} />
      </Field>
      <Field id="app-repo" label="Source repository (https)" error={errors.repoUrl}>
        <Input id="app-repo" name="repoUrl" type="url" defaultValue={app.repoUrl} aria-invalid={Boolean(errors.repoUrl)} />
      </Field>
      <Field id="app-admins" label="App admins" hint="E-mails, separated by commas or new lines. They read and change this app." error={errors.admins ?? Object.entries(errors).find(([path]) => path.startsWith("admins."))?.[1]}>
        <Textarea id="app-admins" name="admins" defaultValue={app.admins.map((admin) => admin.email).join("\n")} rows={3} />
      </Field>
      <div className="flex justify-between gap-2">
        <Button type="submit" disabled={pending}>
          {pending ? "Saving…" : "Save changes"}
        </Button>
        {app.canDelete && (
          <Button variant="danger" onClick={remove} disabled={pending}>
            Delete app
          </Button>
        )}
      </div>
    </form>
  );
}
