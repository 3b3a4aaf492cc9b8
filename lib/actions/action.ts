import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import type { Principal } from "@/lib/auth/principal";
import { sessionPrincipal } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log/logger";

/** What every server action answers: the result, or a message with errors per form field. */
export type ActionResult<T> = { ok: true; data: T } | { ok: false; code: string; message: string; fieldErrors: Record<string, string>; details?: Record<string, unknown> };

/**
 * The one server-action wrapper: session -> principal -> service -> form-shaped result.
 * Services validate their own input with zod, so the UI and the API share every rule.
 */
export function serverAction<I, R>(run: (principal: Principal, input: I) => Promise<R>, options: { revalidate?: string } = {}) {
  return async (input: I): Promise<ActionResult<R>> => {
    const principal = await sessionPrincipal();
    if (!principal) redirect("/sign-in");
    try {
      const data = await run(principal, input);
      if (options.revalidate) revalidatePath(options.revalidate, "layout");
      return { ok: true, data };
    } catch (error) {
      if (error instanceof AppError) {
        const { errors = [], ...details } = error.details;
        const fieldErrors = Object.fromEntries(errors.map((e) => [e.path, e.message]));
        return { ok: false, code: error.code, message: error.message, fieldErrors, details };
      }
      log().error({ err: error }, "server action failed");
      return { ok: false, code: "internal_error", message: "Something went wrong on our side.", fieldErrors: {} };
    }
  };
}
