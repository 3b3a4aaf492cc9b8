import { formatField } from "../graph";
import type { Graph, StepInput, ValueSource, WorkflowInput } from "../model";
import { appendWarning, TOO_MANY_WARNINGS_MESSAGE } from "../warnings";

/** Shared state and helpers of the Argo import (see import.ts). */

export type ImportWarning = { code: string; message: string; path: string };

export class ArgoImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ArgoImportError";
  }
}

export type Json = Record<string, unknown>;

export type Path = (string | number)[];

export type Importer = {
  warnings: ImportWarning[];
  /** a key of each warning, to report each once */
  warned: Set<string>;
  templates: Map<string, { template: Json; path: Path }>;
  imported: Set<string>;
  /** templates being expanded, to stop recursive templates */
  expanding: string[];
  /** how often a template was found running itself (a group built meanwhile depends on where it was built) */
  recursions: number;
  /** the graph built for each dag/steps template, with the number of steps in it (see import-expansion.ts) */
  groups: Map<Json, { graph: Graph; steps: number }>;
  /** steps built so far, and the most an import may build */
  steps: number;
  maxSteps: number;
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

const TOO_MANY_WARNINGS: ImportWarning = { code: "too-many-warnings", message: TOO_MANY_WARNINGS_MESSAGE, path: "" };

export function warn(importer: Importer, code: string, message: string, path: Path): void {
  const formatted = formatField(path);
  // neither a code nor a formatted path holds a line break
  appendWarning(importer.warnings, importer.warned, `${code}\n${formatted}\n${message}`, { code, message, path: formatted }, TOO_MANY_WARNINGS);
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
