import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Ajv2020, { type ErrorObject, type ValidateFunction } from "ajv/dist/2020";

/**
 * Test helper: validates manifests against Argo Workflows' JSON Schema (/work/shared/argo/schema.json,
 * see SOURCE.md there). The schema is large, so each resource validator is compiled once per process.
 */

export const ARGO_SHARED_DIR = path.resolve(fileURLToPath(new URL(".", import.meta.url)), "../../../../shared/argo");
export const ARGO_EXAMPLES_DIR = path.join(ARGO_SHARED_DIR, "examples");

export type ArgoResourceKind = "Workflow" | "WorkflowTemplate" | "CronWorkflow";

type Schema = { $id: string };
let ajv: Ajv2020 | undefined;
let schemaId = "";
const validators = new Map<ArgoResourceKind, ValidateFunction>();

function loadAjv(): Ajv2020 {
  if (!ajv) {
    const schema = JSON.parse(readFileSync(path.join(ARGO_SHARED_DIR, "schema.json"), "utf8")) as Schema;
    schemaId = schema.$id;
    ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
    ajv.addSchema(schema);
  }
  return ajv;
}

export function argoValidator(kind: ArgoResourceKind): ValidateFunction {
  let validate = validators.get(kind);
  if (!validate) {
    const instance = loadAjv();
    const ref = `${schemaId}#/definitions/io.argoproj.workflow.v1alpha1.${kind}`;
    validate = instance.getSchema(ref);
    if (!validate) throw new Error(`Argo schema has no definition for ${kind}`);
    validators.set(kind, validate);
  }
  return validate;
}

/** Schema errors of a manifest as readable lines; empty when it is valid. */
export function argoSchemaErrors(manifest: unknown, kind: ArgoResourceKind = "Workflow"): string[] {
  const validate = argoValidator(kind);
  if (validate(manifest)) return [];
  return (validate.errors ?? []).map(formatError);
}

function formatError(error: ErrorObject): string {
  return `${error.instancePath || "/"} ${error.message ?? "is invalid"} ${JSON.stringify(error.params)}`;
}
