"use client";

import { useRouter } from "next/navigation";
import { useActionDialog } from "@/components/ui/use-action-dialog";
import type { ActionResult } from "@/lib/actions/action";

/** An action of a list row (pause, rotate, delete): the page is read again after it succeeded. */
export function useRowAction() {
  const router = useRouter();
  const { result, pending, run } = useActionDialog(() => undefined);
  return {
    result,
    pending,
    run: <T,>(action: () => Promise<ActionResult<T>>, then?: (data: T) => void) =>
      run(action, (data) => {
        then?.(data);
        router.refresh();
      }),
  };
}
