import { parse as parseYaml } from "yaml";
import { ArgoImportError, fromArgo, fromSluiceJson } from "@/lib/workflows/argo/import";
import { SLUICE_KIND, type WorkflowSpec } from "@/lib/workflows/model";
import { withPositions } from "../flow/layout";

export type ImportedFile = { ok: true; name: string; spec: WorkflowSpec; warnings: string[]; format: "Argo" | "Sluice JSON" } | { ok: false; error: string };

/** Parses a picked .yaml/.yml/.json file in the browser: Sluice JSON, or an Argo Workflow/WorkflowTemplate/CronWorkflow. */
export function importFile(fileName: string, text: string): ImportedFile {
  let document: unknown;
  try {
    document = fileName.toLowerCase().endsWith(".json") ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    return { ok: false, error: `${fileName} is not valid ${fileName.toLowerCase().endsWith(".json") ? "JSON" : "YAML"}: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (!document || typeof document !== "object" || Array.isArray(document)) return { ok: false, error: `${fileName} does not hold a workflow document.` };
  if ((document as { kind?: unknown }).kind === SLUICE_KIND) {
    const result = fromSluiceJson(document);
    if (!result.ok) return { ok: false, error: `${fileName} is not a valid Sluice document: ${result.errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join("; ")}` };
    return { ok: true, name: result.document.name, spec: withPositions(result.document.spec), warnings: [], format: "Sluice JSON" };
  }
  try {
    const result = fromArgo(document);
    return { ok: true, name: result.name, spec: withPositions(result.spec), warnings: result.warnings.map((w) => (w.path ? `${w.message} (${w.path})` : w.message)), format: "Argo" };
  } catch (error) {
    if (error instanceof ArgoImportError) return { ok: false, error: error.message };
    return { ok: false, error: `Could not import ${fileName}: ${error instanceof Error ? error.message : String(error)}` };
  }
}
