import { AppError } from "@/lib/errors";

/** Deeper than any document Sluice accepts; bounds the recursion of JSON.parse and of schema validation. */
export const MAX_JSON_DEPTH = 64;
const FORBIDDEN_KEY = "__proto__";

const invalidBody = (message: string, path = "") => new AppError(400, "invalid_json", message, { errors: [{ path, message }] });

/** The nesting depth of JSON text, in one pass (strings skipped), without parsing it. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest;
}

/** The path of the first `__proto__` key, if any (iterative: no recursion on deep values). */
export function forbiddenKeyPath(value: unknown): string | undefined {
  const stack: { value: unknown; path: string }[] = [{ value, path: "" }];
  while (stack.length > 0) {
    const { value: current, path } = stack.pop()!;
    if (!current || typeof current !== "object") continue;
    for (const key of Object.keys(current)) {
      const child = path ? `${path}.${key}` : key;
      if (key === FORBIDDEN_KEY) return child;
      stack.push({ value: (current as Record<string, unknown>)[key], path: child });
    }
  }
  return undefined;
}

export function assertNoForbiddenKeys(value: unknown, where: string) {
  const path = forbiddenKeyPath(value);
  if (path !== undefined) {
    const field = where ? `${where}.${path}` : path;
    throw new AppError(400, "validation_failed", `The ${where || "request body"} has a key that is not allowed.`, { errors: [{ path: field, message: `"${FORBIDDEN_KEY}" is not allowed as a key` }] });
  }
}

/** JSON.parse for request bodies: bounded depth, no `__proto__` keys, 400 on anything else. */
export function parseJsonBody(text: string): unknown {
  if (jsonDepth(text) > MAX_JSON_DEPTH) throw invalidBody(`The request body is nested deeper than ${MAX_JSON_DEPTH} levels.`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalidBody("The request body is not valid JSON.");
  }
  assertNoForbiddenKeys(value, "");
  return value;
}
