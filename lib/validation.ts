import type { z } from "zod";
import { invalid, type FieldError } from "./errors";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether an id is a UUID: one that is not names no row, and PostgreSQL would refuse it in a query. */
export const isUuid = (value: string) => UUID.test(value);

export function zodFieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join(".") || (issue.code === "unrecognized_keys" ? issue.keys.join(",") : ""),
    message: issue.message,
  }));
}

/** PostgreSQL text and jsonb cannot hold NUL characters: find them before the database fails on them. */
export function nulCharacterPaths(value: unknown, path: string[] = []): string[] {
  if (typeof value === "string") return value.includes("\u0000") ? [path.join(".")] : [];
  if (Array.isArray(value)) return value.flatMap((item, i) => nulCharacterPaths(item, [...path, String(i)]));
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.entries(value).flatMap(([key, item]) => (key.includes("\u0000") ? [[...path, key].join(".")] : nulCharacterPaths(item, [...path, key])));
  }
  return [];
}

/** Parses input, throwing a 400 with every failing field; `prefix` names where the input came from ("query"). */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, message?: string, prefix = ""): z.output<S> {
  const at = (path: string) => (prefix ? (path ? `${prefix}.${path}` : prefix) : path);
  const result = schema.safeParse(input);
  if (!result.success) throw invalid(zodFieldErrors(result.error).map((e) => ({ ...e, path: at(e.path) })), message);
  const nul = nulCharacterPaths(result.data);
  if (nul.length > 0) throw invalid(nul.map((path) => ({ path: at(path), message: "must not contain NUL characters" })), message);
  return result.data;
}
