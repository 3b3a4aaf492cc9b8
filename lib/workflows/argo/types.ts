/** The subset of Argo Workflows' resource types that Sluice exports (see /work/shared/argo/schema.json). */

export const ARGO_API_VERSION = "argoproj.io/v1alpha1";

export type ArgoSecretKeyRef = { name: string; key: string };

export type ArgoParameter = {
  name: string;
  value?: string;
  default?: string;
  description?: string;
  globalName?: string;
  valueFrom?: { path?: string; parameter?: string; expression?: string };
};

export type ArgoEnvVar = { name: string; value?: string; valueFrom?: { secretKeyRef: ArgoSecretKeyRef } };

export type ArgoResources = { requests?: Record<string, string>; limits?: Record<string, string> };

export type ArgoContainer = {
  image: string;
  command?: string[];
  args?: string[];
  env?: ArgoEnvVar[];
  workingDir?: string;
  resources?: ArgoResources;
};

export type ArgoScript = ArgoContainer & { source: string };

export type ArgoHttp = {
  url: string;
  method?: string;
  headers?: ArgoEnvVar[];
  body?: string;
  successCondition?: string;
  timeoutSeconds?: number;
};

export type ArgoRetryStrategy = {
  /** IntOrString: a string in the published schema */
  limit?: string;
  retryPolicy?: string;
  backoff?: { duration?: string; factor?: string; maxDuration?: string };
};

export type ArgoTask = {
  name: string;
  template?: string;
  templateRef?: { name: string; template: string };
  arguments?: { parameters: ArgoParameter[] };
  dependencies?: string[];
  when?: string;
  withParam?: string;
  withItems?: unknown[];
  continueOn?: { failed: boolean };
};

export type ArgoTemplate = {
  name: string;
  inputs?: { parameters: ArgoParameter[] };
  outputs?: { parameters: ArgoParameter[] };
  container?: ArgoContainer;
  script?: ArgoScript;
  http?: ArgoHttp;
  dag?: { tasks: ArgoTask[] };
  parallelism?: number;
  metadata?: { annotations: Record<string, string> };
  retryStrategy?: ArgoRetryStrategy;
  timeout?: string;
};

export type ArgoWorkflowSpec = {
  entrypoint: string;
  /** the template that runs after the workflow, whatever its outcome */
  onExit?: string;
  arguments?: { parameters: ArgoParameter[] };
  templates: ArgoTemplate[];
};

export type ArgoManifest = {
  apiVersion: typeof ARGO_API_VERSION;
  kind: "Workflow" | "WorkflowTemplate";
  metadata: { name?: string; generateName?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: ArgoWorkflowSpec;
};

/** The annotation Argo's UI shows as a workflow's description. */
export const DESCRIPTION_ANNOTATION = "workflows.argoproj.io/description";

/**
 * Template annotation holding a step's outputs (Sluice JSON) when Argo cannot carry them: output
 * types, and names of stdout / status outputs (Argo only knows `result` and `exitCode`).
 */
export const OUTPUTS_ANNOTATION = "sluice.dev/outputs";

/** The WorkflowTemplate a `workflow` step refers to when its callee is not inlined. */
export function calleeTemplateName(workflow: string, version: number): string {
  return `${workflow}-v${version}`;
}

/**
 * Sluice secret names map to Kubernetes secret key references: "name" → key "value" of Secret
 * "name"; "name/key" → key "key" of Secret "name".
 */
export function defaultSecretKeyRef(secret: string): ArgoSecretKeyRef {
  const slash = secret.indexOf("/");
  return slash < 0 ? { name: secret, key: "value" } : { name: secret.slice(0, slash), key: secret.slice(slash + 1) };
}

export function secretNameFromKeyRef(ref: { name?: string; key: string }): string {
  const name = ref.name ?? "";
  return ref.key === "value" ? name : `${name}/${ref.key}`;
}
