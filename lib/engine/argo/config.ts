import { DNS1123_LABEL } from "@/lib/workflows/model";
import { clusterConfigured } from "./kube";

/** Which engine runs a workspace's runs: the installation's (`SLUICE_ENGINE`), or the workspace's own choice. */
export const ENGINES = ["local", "argo"] as const;
export type EngineName = (typeof ENGINES)[number];

export function installationEngine(): EngineName {
  const value = process.env.SLUICE_ENGINE || "local";
  return (ENGINES as readonly string[]).includes(value) ? (value as EngineName) : "local";
}

export function workspaceEngine(ws: { engine: EngineName | null }): EngineName {
  return ws.engine ?? installationEngine();
}

/** The cluster settings of the `argo` engine, read when used (tests change them per file). */
export function argoSettings() {
  const env = process.env;
  return {
    /** where the workspaces' ConfigMaps live (Flowify's `--namespace`) */
    configNamespace: env.SLUICE_K8S_CONFIG_NAMESPACE || "sluice",
    /** the tenant that ConfigMaps without Sluice's tenant label belong to (Flowify has no tenants) */
    clusterTenant: env.SLUICE_K8S_TENANT || env.AUTH_DEFAULT_TENANT || "demo",
    /** the service account runs' pods use (Argo's executor needs one with its RBAC in each namespace) */
    serviceAccount: env.SLUICE_ARGO_SERVICE_ACCOUNT || undefined,
    /** how long a cancelled run's workflow may run its exit handler after Stop before it is terminated */
    stopGraceMs: Number(env.SLUICE_ARGO_STOP_GRACE_MS) || 30_000,
  };
}

/** Start-up checks (lib/config/check.ts): a misspelt engine must not silently run everything locally. */
export function engineConfigurationProblems(): string[] {
  const env = process.env;
  const problems: string[] = [];
  if (env.SLUICE_ENGINE && !(ENGINES as readonly string[]).includes(env.SLUICE_ENGINE)) {
    problems.push(`SLUICE_ENGINE must be one of ${ENGINES.join(", ")}, not "${env.SLUICE_ENGINE}".`);
  }
  if (env.SLUICE_ENGINE === "argo" && !clusterConfigured(env)) {
    problems.push("SLUICE_ENGINE is argo, but no Kubernetes cluster is configured: set KUBECONFIG, put a kubeconfig in ~/.kube/config, or run Sluice in a pod with a service account.");
  }
  const namespace = env.SLUICE_K8S_CONFIG_NAMESPACE;
  if (namespace && (!DNS1123_LABEL.test(namespace) || namespace.length > 63)) {
    problems.push(`SLUICE_K8S_CONFIG_NAMESPACE must be a Kubernetes namespace name (lower-case letters, digits and '-'), not "${namespace}".`);
  }
  const grace = env.SLUICE_ARGO_STOP_GRACE_MS;
  if (grace !== undefined && !(Number.isInteger(Number(grace)) && Number(grace) > 0)) {
    problems.push(`SLUICE_ARGO_STOP_GRACE_MS must be a positive whole number of milliseconds, not "${grace}".`);
  }
  return problems;
}
