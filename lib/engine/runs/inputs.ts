import { invalid, type FieldError } from "@/lib/errors";
import type { WorkflowInput } from "@/lib/workflows/model";

/**
 * A run's inputs checked against the workflow's declared inputs: the types they declare, required
 * ones present, secret inputs naming a secret of the workspace, nothing undeclared. Form fields
 * arrive as text, so numbers, booleans and JSON are also read from text.
 */
export function parseRunInputs(declared: readonly WorkflowInput[], given: Record<string, unknown>, secretNames: ReadonlySet<string>): Record<string, unknown> {
  const errors: FieldError[] = [];
  const values: Record<string, unknown> = {};
  for (const name of Object.keys(given)) {
    if (!declared.some((input) => input.name === name)) errors.push({ path: `inputs.${name}`, message: "the workflow has no such input" });
  }
  for (const input of declared) {
    const path = `inputs.${input.name}`;
    const raw = Object.hasOwn(given, input.name) ? given[input.name] : undefined;
    if (raw === undefined || raw === "" || raw === null) {
      if (input.required && input.default === undefined) errors.push({ path, message: "required" });
      continue;
    }
    const value = convert(input, raw);
    if (value.error) errors.push({ path, message: value.error });
    else if (input.type === "secret" && !secretNames.has(String(value.value))) errors.push({ path, message: `no secret named "${String(value.value)}" in this workspace` });
    else values[input.name] = value.value;
  }
  if (errors.length > 0) throw invalid(errors, "The run's inputs are not valid.");
  return values;
}

function convert(input: WorkflowInput, raw: unknown): { value?: unknown; error?: string } {
  switch (input.type) {
    case "string":
      return typeof raw === "string" ? { value: raw } : typeof raw === "number" || typeof raw === "boolean" ? { value: String(raw) } : { error: "must be text" };
    case "number": {
      const value = typeof raw === "number" ? raw : typeof raw === "string" && raw.trim() !== "" ? Number(raw) : Number.NaN;
      return Number.isFinite(value) ? { value } : { error: "must be a number" };
    }
    case "boolean":
      if (typeof raw === "boolean") return { value: raw };
      return raw === "true" || raw === "false" ? { value: raw === "true" } : { error: "must be true or false" };
    case "json":
      if (typeof raw !== "string") return { value: raw };
      try {
        return { value: JSON.parse(raw) };
      } catch {
        return { error: "must be JSON" };
      }
    case "secret":
      return typeof raw === "string" ? { value: raw } : { error: "must name a secret" };
  }
}
