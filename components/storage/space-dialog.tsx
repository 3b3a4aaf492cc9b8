"use client";

import { useRouter } from "next/navigation";
import { Dialog, DialogActions } from "@/components/ui/dialog";
import { Field, Select } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { submitWith } from "@/components/ui/form-submit";
import { useActionDialog } from "@/components/ui/use-action-dialog";
import { createSpaceAction, updateSpaceAction } from "@/lib/storage/actions";
import type { Confidentiality, Space } from "@/lib/storage/schema";
import { StorageFields } from "./storage-fields";

export type WorkspaceChoice = { id: string; name: string };

/** Creates a space (a container) in an organization, or edits one. */
export function SpaceDialog({
  open,
  onOpenChange,
  organization,
  space,
  workspaces,
  confidentialities,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  organization: string;
  space?: Space;
  workspaces: WorkspaceChoice[];
  confidentialities: readonly Confidentiality[];
}) {
  const router = useRouter();
  const { result, pending, openChange, run } = useActionDialog(onOpenChange);
  const errors = result && !result.ok ? result.fieldErrors : {};

  function save(form: FormData) {
    const fields = {
      description: String(form.get("description") ?? ""),
      confidentiality: String(form.get("confidentiality")) as Confidentiality,
      workspaceId: String(form.get("workspaceId") ?? ""),
    };
    const done = () => (openChange(false), router.refresh());
    if (space) run(() => updateSpaceAction({ org: organization, space: space.name, ...fields, workspaceId: fields.workspaceId || undefined }), done);
    else run(() => createSpaceAction({ org: organization, name: String(form.get("name") ?? ""), ...fields }), done);
  }

  return (
    <Dialog open={open} onOpenChange={openChange} title={space ? `Edit space ${space.name}` : "New space"} description={space ? undefined : "A container in the organization's storage account."}>
      <form onSubmit={submitWith(save)} className="space-y-4">
        <FormError result={result} />
        <StorageFields
          kind="space"
          creating={!space}
          nameHint="The container's name; roles name it: spc_<name>_user, _supplier, _trustee."
          confidentialityHint="Public spaces are read with spc_all_public."
          current={space}
          confidentialities={confidentialities}
          errors={errors}
        />
        <Field id="space-workspace" label="Workspace" hint="Its admins manage the space; its workflows can be bound to commits." error={errors.workspaceId}>
          <Select id="space-workspace" name="workspaceId" defaultValue={space?.workspaceId ?? workspaces[0]?.id} required={!space}>
            {space && !space.workspaceId && <option value="">none</option>}
            {workspaces.map((ws) => (
              <option key={ws.id} value={ws.id}>
                {ws.name}
              </option>
            ))}
          </Select>
        </Field>
        <DialogActions onCancel={() => openChange(false)} pending={pending} submitLabel={space ? "Save space" : "Create space"} />
      </form>
    </Dialog>
  );
}
