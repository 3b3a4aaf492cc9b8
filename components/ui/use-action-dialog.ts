"use client";

import { useCallback, useState, useTransition } from "react";
import type { ActionResult } from "@/lib/actions/action";

/**
 * A dialog that calls a server action: its last result (shown as errors until the dialog closes),
 * whether it is pending, and `run`, which calls `then` with the data when the action succeeded.
 */
export function useActionDialog(onOpenChange: (open: boolean) => void) {
  const [result, setResult] = useState<ActionResult<unknown>>();
  const [pending, startTransition] = useTransition();
  const openChange = useCallback(
    (open: boolean) => {
      if (!open) setResult(undefined);
      onOpenChange(open);
    },
    [onOpenChange],
  );
  const run = useCallback(<T,>(action: () => Promise<ActionResult<T>>, then: (data: T) => void) => {
    startTransition(async () => {
      const outcome = await action();
      setResult(outcome);
      if (outcome.ok) then(outcome.data);
    });
  }, []);
  return { result, pending, openChange, run };
}
