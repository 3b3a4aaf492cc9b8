import type { WorkflowInput } from "@/lib/workflows/model";

/** An instant as the wall-clock time of a time zone ("2026-03-29 03:30"), the same on the server and in the browser. */
export function inZone(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat("sv-SE", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date(iso));
}

/** A JSON object with a value of the right type for each input: the starting point of a form or an example call. */
export function sampleInputs(inputs: readonly WorkflowInput[]): Record<string, unknown> {
  const sample = (input: WorkflowInput) => input.default ?? { string: "text", number: 1, boolean: true, json: {}, secret: "secret-name" }[input.type];
  return Object.fromEntries(inputs.map((input) => [input.name, sample(input)]));
}

/** Text of a JSON field, parsed; undefined (with `onError` told) when it is not a JSON object. */
export function parseObject(text: string, onError: (message: string) => void): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text.trim() || "{}");
    if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
    onError("must be a JSON object, e.g. {\"name\": \"value\"}");
  } catch {
    onError("is not valid JSON");
  }
  return undefined;
}
