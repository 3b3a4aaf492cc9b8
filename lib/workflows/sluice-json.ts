import { formatField } from "./graph";
import { sluiceDocument, type SluiceDocument } from "./model";

export type SluiceJsonError = { path: string; message: string; step?: string[] };

export type SluiceJsonResult = { ok: true; document: SluiceDocument } | { ok: false; errors: SluiceJsonError[] };

/** Parses a Sluice JSON document (text or object) and explains what is wrong with it. */
export function fromSluiceJson(input: string | object): SluiceJsonResult {
  let value: unknown = input;
  if (typeof input === "string") {
    try {
      value = JSON.parse(input);
    } catch (error) {
      return { ok: false, errors: [{ path: "", message: `Not valid JSON: ${error instanceof Error ? error.message : String(error)}` }] };
    }
  }
  const parsed = sluiceDocument.safeParse(value);
  if (parsed.success) return { ok: true, document: parsed.data };
  return {
    ok: false,
    errors: parsed.error.issues.map((issue) => {
      const error: SluiceJsonError = { path: formatField(issue.path), message: issue.message };
      const step = stepPathAt(value, issue.path);
      if (step.length > 0) error.step = step;
      return error;
    }),
  };
}

/** The names of the steps (and groups) an issue path goes through, read from the raw document. */
function stepPathAt(document: unknown, path: readonly PropertyKey[]): string[] {
  const names: string[] = [];
  let current: unknown = document;
  for (let i = 0; i < path.length; i++) {
    const key = path[i];
    current = isJson(current) ? current[String(key)] : Array.isArray(current) && typeof key === "number" ? current[key] : undefined;
    if (path[i - 1] === "steps" && typeof key === "number" && isJson(current) && typeof current.name === "string") names.push(current.name);
  }
  return names;
}

function isJson(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
