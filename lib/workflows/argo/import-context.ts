import { formatField } from "../graph";
import type { StepInput, ValueSource, WorkflowInput } from "../model";

/** Shared state and helpers of the Argo import (see import.ts). */

export type ImportWarning = { code: string; message: string; path: string };

export type Json = Record<string, unknown>;

export type Path = (string | number)[];

export type Importer = {
  warnings: ImportWarning[];
  templates: Map<string, { template: Json; path: Path }>;
  imported: Set<string>;
  /** templates being expanded, to stop recursive templates */
  expanding: string[];
};

/** A graph being imported. */
export type GraphContext = {
  /** the workflow's own graph: `{{workflow.parameters.x}}` are its inputs */
  top: boolean;
  inputs: WorkflowInput[];
  /** outputs referenced by other steps that Argo provides implicitly (result, exitCode, callee outputs) */
  refs: { step: string; output: string; kind: "result" | "exitCode" | "parameter" }[];
  /** Sluice names of the stdout/body and status outputs of tasks, when their template says (see OUTPUTS_ANNOTATION) */
  aliases: Map<string, { result?: string; exitCode?: string }>;
};

export type Argument = { value: string; path: Path };

export type Arguments = Map<string, Argument>;

export type RawTask = { task: Json; path: Path; dependsOn: string[] };

/** How a leaf template's `{{inputs.parameters.p}}` reads in Sluice. */
export type LeafParameters = { ports: StepInput[]; lifted: Map<string, { text: string; source: ValueSource }> };

const FIELD_CODES: Record<string, string> = {
  onExit: "exit-handler",
  hooks: "lifecycle-hooks",
  artifacts: "artifacts",
  sidecars: "sidecars",
  initContainers: "sidecars",
  volumes: "volumes",
  volumeMounts: "volumes",
  volumeClaimTemplates: "volumes",
  withSequence: "with-sequence",
};

export function unsupportedKeys(importer: Importer, value: Json, path: Path, handled: readonly string[], owner: string): void {
  for (const key of Object.keys(value)) {
    if (handled.includes(key)) continue;
    warn(importer, FIELD_CODES[key] ?? "unsupported-field", `${owner} field "${key}" cannot be represented in Sluice and was not imported.`, [...path, key]);
  }
}

export function warn(importer: Importer, code: string, message: string, path: Path): void {
  const formatted = formatField(path);
  if (importer.warnings.some((w) => w.code === code && w.message === message && w.path === formatted)) return;
  importer.warnings.push({ code, message, path: formatted });
}


export function isJson(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function text(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
