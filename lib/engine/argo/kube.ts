import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { CoreV1Api, CustomObjectsApi, KubeConfig, Log, PatchStrategy, setHeaderOptions, Watch } from "@kubernetes/client-node";
import { AppError } from "@/lib/errors";

/**
 * The Kubernetes client of the `argo` engine, built once per process from a kubeconfig (`KUBECONFIG`,
 * else `~/.kube/config`) or, inside a pod, the service account (client-node's `loadFromDefault`).
 */
export type Kube = { config: KubeConfig; core: CoreV1Api; custom: CustomObjectsApi; watch: Watch; log: Log };

let cached: Kube | undefined;

export function kube(): Kube {
  if (!cached) {
    const config = new KubeConfig();
    config.loadFromDefault();
    cached = { config, core: config.makeApiClient(CoreV1Api), custom: config.makeApiClient(CustomObjectsApi), watch: new Watch(config), log: new Log(config) };
  }
  return cached;
}

/** Whether a cluster is configured at all: a service account inside a pod, or a kubeconfig file. */
export function clusterConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.KUBERNETES_SERVICE_HOST) return true;
  const files = env.KUBECONFIG ? env.KUBECONFIG.split(path.delimiter) : [path.join(/*turbopackIgnore: true*/ os.homedir(), ".kube", "config")];
  return files.some((file) => file !== "" && existsSync(file));
}

/** Forgets the client, so the next call reads the kubeconfig again (tests point it at their server). */
export function resetKube() {
  cached = undefined;
}

/** Argo's resources, as client-node's custom-object calls name them. */
export const ARGO_GROUP = { group: "argoproj.io", version: "v1alpha1" } as const;
export const workflowsOf = (namespace: string) => ({ ...ARGO_GROUP, namespace, plural: "workflows" });
export const cronWorkflowsOf = (namespace: string) => ({ ...ARGO_GROUP, namespace, plural: "cronworkflows" });
/** Options for a custom-object patch sent as a JSON merge patch (client-node's default is a JSON patch). */
export const MERGE_PATCH = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);

/** The HTTP status of a failed Kubernetes call (client-node's ApiException, or a watch's error). */
export function kubeStatus(error: unknown): number | undefined {
  const e = error as { code?: unknown; statusCode?: unknown };
  if (typeof e?.code === "number") return e.code;
  if (typeof e?.statusCode === "number") return e.statusCode;
  return undefined;
}

/** The API server's own explanation of a failed call (its Status object's message), or the error's. */
export function kubeMessage(error: unknown): string {
  const body = (error as { body?: unknown })?.body;
  if (typeof body === "string") {
    try {
      const status = JSON.parse(body) as { message?: string };
      if (status.message) return status.message;
    } catch {
      // not a Status object
    }
  }
  if (body && typeof body === "object" && typeof (body as { message?: unknown }).message === "string") return (body as { message: string }).message;
  return error instanceof Error ? error.message : String(error);
}

/** Calls where "not there" is the outcome wanted (deleting) or an answer (reading). */
export async function unlessNotFound<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (kubeStatus(error) === 404) return undefined;
    throw error;
  }
}

/** The cluster could not be reached or refused: a 503 for the caller, with the cluster's reason. */
export function clusterUnavailable(error: unknown, doing: string): AppError {
  return new AppError(503, "cluster_unavailable", `The Kubernetes cluster could not ${doing}: ${kubeMessage(error)}`);
}
