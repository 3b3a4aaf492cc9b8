import type { z } from "zod";
import { invalid, type FieldError } from "./errors";

export function zodFieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join(".") || (issue.code === "unrecognized_keys" ? issue.keys.join(",") : ""),
    message: issue.message,
  }));
}

/** Parses service input, throwing a 400 with every failing field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw invalid(zodFieldErrors(result.error));
  return result.data;
}
