import { AppError } from "@/lib/errors";
import { revealSecretValue } from "@/lib/secrets/service";
import { kube, unlessNotFound } from "./kube";
import { MANAGED_BY } from "./names";

/**
 * The Kubernetes Secret a run (or a schedule's runs) reads its secrets from: one per run, keyed by the
 * secrets' names (Secret keys allow Sluice's secret names as they are), created before its Workflow
 * and deleted when the run ends. The manifest only refers to its keys.
 */

export class MissingSecret extends Error {
  constructor(readonly secret: string) {
    super(`The secret "${secret}" does not exist in this workspace.`);
  }
}

/** The values of these secrets of a workspace (each read audited against the run, if any); a name that is not there throws MissingSecret. */
export async function secretValues(workspaceId: string, names: readonly string[], runId?: string): Promise<Map<string, string>> {
  const values = new Map<string, string>();
  for (const name of names) {
    try {
      values.set(name, await revealSecretValue(workspaceId, name, { runId }));
    } catch (error) {
      if (error instanceof AppError && error.status === 404) throw new MissingSecret(name);
      throw error;
    }
  }
  return values;
}

export function secretManifest(name: string, namespace: string, values: ReadonlyMap<string, string>, labels: Record<string, string>) {
  return {
    apiVersion: "v1",
    kind: "Secret",
    type: "Opaque",
    metadata: { name, namespace, labels: { ...labels, [MANAGED_BY]: "sluice" } },
    data: Object.fromEntries([...values].map(([key, value]) => [key, Buffer.from(value, "utf8").toString("base64")])),
  };
}

/** Creates the Secret, or replaces the one of that name (a retried submission, a changed schedule). */
export async function putSecret(secret: ReturnType<typeof secretManifest>): Promise<void> {
  const { core } = kube();
  const { name, namespace } = secret.metadata;
  const existing = await unlessNotFound(() => core.readNamespacedSecret({ name, namespace }));
  if (existing) await core.replaceNamespacedSecret({ name, namespace, body: { ...secret, metadata: { ...secret.metadata, resourceVersion: existing.metadata?.resourceVersion } } });
  else await core.createNamespacedSecret({ namespace, body: secret });
}

export async function deleteSecret(namespace: string, name: string): Promise<void> {
  await unlessNotFound(() => kube().core.deleteNamespacedSecret({ name, namespace }));
}
