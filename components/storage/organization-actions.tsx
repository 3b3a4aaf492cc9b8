"use client";

import { Pencil, Plus, Trash2 } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/form-error";
import type { ActionResult } from "@/lib/actions/action";
import { deleteOrganizationAction } from "@/lib/storage/actions";
import type { Confidentiality, Organization } from "@/lib/storage/schema";
import { OrganizationDialog } from "./organization-dialog";
import { SpaceDialog, type WorkspaceChoice } from "./space-dialog";

type Props = { confidentialities: readonly Confidentiality[] };

/** "New organization" on the storage page (storage and platform admins). */
export function NewOrganizationButton({ confidentialities }: Props) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button onClick={() => setOpen(true)}>
        <Plus size={16} aria-hidden /> New organization
      </Button>
      <OrganizationDialog open={open} onOpenChange={setOpen} confidentialities={confidentialities} />
    </>
  );
}

/** An organization admin's buttons: edit, delete, new space. */
export function OrganizationActions({ organization, workspaces, confidentialities }: Props & { organization: Organization; workspaces: WorkspaceChoice[] }) {
  const router = useRouter();
  const [editing, setEditing] = useState(false);
  const [creating, setCreating] = useState(false);
  const [result, setResult] = useState<ActionResult<unknown>>();
  const [pending, startTransition] = useTransition();
  const remove = () =>
    window.confirm(`Remove ${organization.name} and its spaces from Sluice? The storage account and its data stay.`) &&
    startTransition(async () => {
      const outcome = await deleteOrganizationAction({ org: organization.name });
      setResult(outcome);
      if (outcome.ok) router.push("/storage");
    });
  return (
    <div className="flex flex-col items-end gap-2">
      <div className="flex gap-2">
        <Button onClick={() => setCreating(true)}>
          <Plus size={16} aria-hidden /> New space
        </Button>
        <Button variant="secondary" onClick={() => setEditing(true)}>
          <Pencil size={14} aria-hidden /> Edit
        </Button>
        <Button variant="ghost" aria-label={`Delete ${organization.name}`} disabled={pending} onClick={remove}>
          <Trash2 size={14} aria-hidden />
        </Button>
      </div>
      <FormError result={result} />
      <OrganizationDialog open={editing} onOpenChange={setEditing} organization={organization} confidentialities={confidentialities} />
      <SpaceDialog open={creating} onOpenChange={setCreating} organization={organization.name} workspaces={workspaces} confidentialities={confidentialities} />
    </div>
  );
}
