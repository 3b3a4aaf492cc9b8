"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Dialog, DialogActions } from "@/components/ui/dialog";
import { Field, Input, Textarea } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { submitWith } from "@/components/ui/form-submit";
import { useActionDialog } from "@/components/ui/use-action-dialog";
import { createOrganizationAction, updateOrganizationAction } from "@/lib/storage/actions";
import type { Confidentiality, ConnectionInput, Organization } from "@/lib/storage/schema";
import { StorageFields } from "./storage-fields";

/** The connection fields: account name and key (and endpoint), or a connection string. */
function connectionFrom(form: FormData): ConnectionInput | undefined {
  const text = (name: string) => String(form.get(name) ?? "").trim();
  if (form.get("kind") === "string") return text("connectionString") ? { connectionString: text("connectionString") } : undefined;
  if (!text("accountName") && !text("accountKey")) return undefined;
  return { accountName: text("accountName"), accountKey: text("accountKey"), ...(text("blobEndpoint") && { blobEndpoint: text("blobEndpoint") }) };
}

/** Registers a storage account as an organization, or edits one (the key only when given again). */
export function OrganizationDialog({
  open,
  onOpenChange,
  organization,
  confidentialities,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  organization?: Organization;
  confidentialities: readonly Confidentiality[];
}) {
  const router = useRouter();
  const [kind, setKind] = useState<"key" | "string">("key");
  const { result, pending, openChange, run } = useActionDialog(onOpenChange);
  const errors = result && !result.ok ? result.fieldErrors : {};
  const editing = Boolean(organization);
  const connectionError = Object.entries(errors).find(([path]) => path.startsWith("connection"))?.[1];

  function save(form: FormData) {
    const fields = { description: String(form.get("description") ?? ""), confidentiality: String(form.get("confidentiality")) as Organization["confidentiality"] };
    const connection = connectionFrom(form);
    const done = () => (openChange(false), router.refresh());
    if (organization) run(() => updateOrganizationAction({ org: organization.name, ...fields, ...(connection && { connection }) }), done);
    else run(() => createOrganizationAction({ name: String(form.get("name") ?? ""), ...fields, connection: connection ?? { accountName: "", accountKey: "" } }), done);
  }

  return (
    <Dialog
      open={open}
      onOpenChange={openChange}
      title={editing ? `Edit organization ${organization!.name}` : "New organization"}
      description={editing ? "Give the connection again only to change it." : "An Azure storage account; its loading zone is created with it."}
    >
      <form onSubmit={submitWith(save)} className="space-y-4">
        <FormError result={result} />
        <StorageFields
          kind="org"
          creating={!editing}
          nameHint="Roles name it: org_<name>_access, org_<name>_admin."
          confidentialityHint="Public organizations are seen with org_all_public."
          current={organization}
          confidentialities={confidentialities}
          errors={errors}
        />
        <fieldset className="space-y-3">
          <legend className="text-sm font-medium">Connection</legend>
          <div className="flex gap-4 text-sm">
            {(["key", "string"] as const).map((k) => (
              <label key={k} className="flex items-center gap-1.5">
                <input type="radio" name="kind" value={k} checked={kind === k} onChange={() => setKind(k)} /> {k === "key" ? "Account name and key" : "Connection string"}
              </label>
            ))}
          </div>
          {kind === "key" ? (
            <>
              <Field id="org-account" label="Account name">
                <Input id="org-account" name="accountName" required={!editing} defaultValue={organization?.accountName} />
              </Field>
              <Field id="org-key" label="Account key">
                <Input id="org-key" name="accountKey" type="password" autoComplete="new-password" required={!editing} />
              </Field>
              <Field id="org-endpoint" label="Blob endpoint (optional)" hint="Default: the first allowed endpoint for the account (Azure's public cloud unless configured).">
                <Input id="org-endpoint" name="blobEndpoint" placeholder="https://<account>.blob.core.windows.net" />
              </Field>
            </>
          ) : (
            <Field id="org-connection-string" label="Connection string">
              <Textarea id="org-connection-string" name="connectionString" rows={3} required={!editing} placeholder="DefaultEndpointsProtocol=https;AccountName=…;AccountKey=…;EndpointSuffix=core.windows.net" />
            </Field>
          )}
          {connectionError && (
            <p role="alert" className="text-xs text-danger">
              {connectionError}
            </p>
          )}
        </fieldset>
        <DialogActions onCancel={() => openChange(false)} pending={pending} submitLabel={editing ? "Save organization" : "Create organization"} pendingLabel={editing ? "Saving…" : "Checking the account…"} />
      </form>
    </Dialog>
  );
}
