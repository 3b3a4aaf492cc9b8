"use client";

import { Pencil, Trash2 } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/form-error";
import type { ActionResult } from "@/lib/actions/action";
import { deleteSpaceAction } from "@/lib/storage/actions";
import type { Confidentiality, Space } from "@/lib/storage/schema";
import { SpaceDialog, type WorkspaceChoice } from "./space-dialog";

/** Edit and delete for those who manage the space (the loading zone goes only with its organization). */
export function SpaceActions({ space, workspaces, confidentialities }: { space: Space; workspaces: WorkspaceChoice[]; confidentialities: readonly Confidentiality[] }) {
  const router = useRouter();
  const [editing, setEditing] = useState(false);
  const [result, setResult] = useState<ActionResult<unknown>>();
  const [pending, startTransition] = useTransition();
  const remove = () =>
    window.confirm(`Remove ${space.name} from Sluice? Its container and data stay in the storage account.`) &&
    startTransition(async () => {
      const outcome = await deleteSpaceAction({ org: space.organization, space: space.name });
      setResult(outcome);
      if (outcome.ok) router.push(`/storage/${space.organization}`);
    });
  return (
    <div className="flex flex-col items-end gap-2">
      <div className="flex gap-2">
        <Button variant="secondary" onClick={() => setEditing(true)}>
          <Pencil size={14} aria-hidden /> Edit
        </Button>
        {!space.loadingZone && (
          <Button variant="ghost" aria-label={`Delete ${space.name}`} disabled={pending} onClick={remove}>
            <Trash2 size={14} aria-hidden />
          </Button>
        )}
      </div>
      <FormError result={result} />
      <SpaceDialog open={editing} onOpenChange={setEditing} organization={space.organization} space={space} workspaces={workspaces} confidentialities={confidentialities} />
    </div>
  );
}
