import type { AppError } from "@/lib/errors";

/** Why a triggered run did not start, in one line: the message and each field's error. */
export function explain(error: AppError): string {
  const fields = (error.details.errors ?? []).map((e) => (e.path ? `${e.path}: ${e.message}` : e.message));
  return fields.length > 0 ? `${error.message} (${fields.join("; ")})` : error.message;
}
