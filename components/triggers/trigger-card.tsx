import { Plus } from "lucide-react";
import type { ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardHeader, EmptyState } from "@/components/ui/card";
import { FormError } from "@/components/ui/form-error";
import type { ActionResult } from "@/lib/actions/action";

/** A kind of trigger on the Triggers tab: its title and what it does, a New button for those who may add one, the last action's error, and its list (or what to do when it is empty). */
export function TriggerCard({
  icon,
  title,
  description,
  newLabel,
  onNew,
  mayManage,
  result,
  empty,
  children,
}: {
  icon: ReactNode;
  title: string;
  description: string;
  newLabel: string;
  onNew: () => void;
  mayManage: boolean;
  result?: ActionResult<unknown>;
  /** set while there is nothing to list: why one would add one */
  empty?: { title: string; hint: string };
  children: ReactNode;
}) {
  return (
    <Card>
      <CardHeader
        title={
          <span className="flex items-center gap-2">
            {icon} {title}
          </span>
        }
        description={description}
        actions={
          mayManage && (
            <Button size="sm" onClick={onNew}>
              <Plus size={14} aria-hidden /> {newLabel}
            </Button>
          )
        }
      />
      <FormError result={result} />
      {empty ? (
        <div className="p-4">
          <EmptyState title={empty.title}>{mayManage ? empty.hint : "Editors of this workspace can add one."}</EmptyState>
        </div>
      ) : (
        children
      )}
    </Card>
  );
}
