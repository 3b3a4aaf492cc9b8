/**
 * What Sluice calls its objects in the cluster, and the labels that find them again. Kubernetes names
 * are DNS labels (at most 63 characters for namespaces, label values and Argo workflow names).
 */

export const MANAGED_BY = "app.kubernetes.io/managed-by";
/** every Workflow, CronWorkflow and Secret Sluice creates carries this label; the watch selects on it */
export const MANAGED_SELECTOR = `${MANAGED_BY}=sluice`;
export const RUN_LABEL = "sluice.dev/run";
export const SCHEDULE_LABEL = "sluice.dev/schedule";
export const WORKFLOW_LABEL = "sluice.dev/workflow";
export const VERSION_LABEL = "sluice.dev/workflow-version";
export const TENANT_LABEL = "sluice.dev/tenant";
/** the Secret a Workflow reads its secrets from (deleted with the run when it is the run's own) */
export const SECRET_ANNOTATION = "sluice.dev/secret";

/** Argo's labels and annotations on what it creates. */
export const ARGO_WORKFLOW_LABEL = "workflows.argoproj.io/workflow";
export const ARGO_NODE_ID_ANNOTATION = "workflows.argoproj.io/node-id";

const LABEL_MAX = 63;

/** A DNS label from any text: lower case, '-' for anything else, trimmed to `max`. */
export function dnsLabel(text: string, max = LABEL_MAX): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-+/g, "-")
    .slice(0, max)
    .replace(/^-+|-+$/g, "");
}

/** A run's Workflow: the workflow's name and the start of the run's id, e.g. `etl-3f2a9c1b`. */
export function workflowNameFor(run: { id: string; workflowName: string }): string {
  const suffix = run.id.replace(/-/g, "").slice(0, 8);
  return `${dnsLabel(run.workflowName, LABEL_MAX - suffix.length - 1) || "run"}-${suffix}`;
}

export const runSecretName = (runId: string) => `sluice-run-${runId}`;
export const scheduleSecretName = (scheduleId: string) => `sluice-schedule-${scheduleId}`;
/** Argo appends a timestamp to a CronWorkflow's name for each Workflow, so it keeps to 52 characters. */
export const cronWorkflowName = (scheduleId: string) => `sluice-${scheduleId.replace(/-/g, "").slice(0, 32)}`;

/** `<namespace>/<name>`: what a run keeps as its engine reference. */
export const engineRef = (namespace: string, name: string) => `${namespace}/${name}`;
export function parseEngineRef(ref: string): { namespace: string; name: string } {
  const slash = ref.indexOf("/");
  return { namespace: ref.slice(0, slash), name: ref.slice(slash + 1) };
}
