import type { ActionResult } from "@/lib/actions/action";

/** The form-level message of a failed server action (field errors are shown at their fields). */
export function FormError({ result }: { result?: ActionResult<unknown> }) {
  if (!result || result.ok) return null;
  return (
    <p role="alert" className="rounded-md bg-danger/10 px-3 py-2 text-sm text-danger">
      {result.message}
    </p>
  );
}
