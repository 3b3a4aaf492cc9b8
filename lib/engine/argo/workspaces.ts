import { makeInformer, type V1ConfigMap } from "@kubernetes/client-node";
import { and, eq, isNotNull, isNull, like, sql } from "drizzle-orm";
import { database } from "@/db/client";
import { tenants, workspaces } from "@/db/schema";
import { recordAudit } from "@/lib/audit/service";
import type { Principal } from "@/lib/auth/principal";
import { log } from "@/lib/log/logger";
import type { Tx } from "../local/transitions";
import { argoSettings, workspaceEngine } from "./config";
import { readWorkspaceConfig, WORKSPACE_CONFIG_SELECTOR, workspaceConfigMap, type WorkspaceConfig } from "./flowify-config";
import { clusterUnavailable, kube, kubeStatus, unlessNotFound } from "./kube";
import { dnsLabel } from "./names";

/**
 * Workspaces as Flowify keeps them on the `argo` engine: a namespace each, and a ConfigMap in the
 * config namespace holding its access rules. Sluice writes both when a workspace is created or its
 * name, description, rules or visibility change (in the workspace's own transaction, so a cluster
 * that refuses means nothing changed), and reads every workspace ConfigMap with an informer, so
 * workspaces made or changed with kubectl — or by Flowify beside it — appear within seconds. A
 * ConfigMap that is deleted archives its workspace; archiving in Sluice deletes nothing in the cluster.
 */

type WorkspaceRow = typeof workspaces.$inferSelect;

/** Whoever changed a workspace through its ConfigMap, as the audit log names it. */
function clusterPrincipal(tenant: { id: string; slug: string }): Principal {
  return { kind: "system", id: "00000000-0000-0000-0000-000000000000", subject: "kubernetes", name: "Kubernetes (workspace ConfigMap)", tenantId: tenant.id, tenantSlug: tenant.slug, roles: [], groups: [], scopes: [] };
}

const snapshot = (ws: Pick<WorkspaceRow, "name" | "description" | "accessRules" | "hidden">) => ({ name: ws.name, description: ws.description, accessRules: ws.accessRules, hidden: ws.hidden });
const sameConfig = (a: Parameters<typeof snapshot>[0], b: Parameters<typeof snapshot>[0]) => JSON.stringify(snapshot(a)) === JSON.stringify(snapshot(b));

/** Kubernetes' own namespaces, and Argo's usual one: a workspace named so gets a `ws-` prefix. */
const RESERVED_NAMESPACES = /^(default|argo|kube-.*)$/;

/** A namespace for a new workspace: its name as a DNS label (prefixed with the tenant unless it is the cluster's tenant), not yet taken. */
async function freeNamespace(tx: Pick<Tx, "select">, ws: WorkspaceRow, tenantSlug: string): Promise<string> {
  const label = (tenantSlug === argoSettings().clusterTenant ? dnsLabel(ws.name, 56) : dnsLabel(`${tenantSlug}-${ws.name}`, 56)) || ws.id.slice(0, 8);
  const base = RESERVED_NAMESPACES.test(label) ? dnsLabel(`ws-${label}`, 56) : label;
  const taken = new Set(
    (await tx.select({ namespace: workspaces.namespace }).from(workspaces).where(like(workspaces.namespace, `${base}%`))).map((row) => row.namespace),
  );
  taken.add(argoSettings().configNamespace);
  let candidate = base;
  for (let n = 2; taken.has(candidate); n++) candidate = `${base}-${n}`;
  return candidate;
}

/** Writes the workspace's namespace (labelled like the config namespace, as Flowify does) and its ConfigMap. */
async function writeToCluster(ws: WorkspaceRow, namespace: string, tenantSlug: string): Promise<void> {
  const { core } = kube();
  const { configNamespace } = argoSettings();
  try {
    const config = await core.readNamespace({ name: configNamespace });
    try {
      await core.createNamespace({ body: { metadata: { name: namespace, labels: { ...config.metadata?.labels } } } });
    } catch (error) {
      if (kubeStatus(error) !== 409) throw error;
    }
    const body = workspaceConfigMap(ws, namespace, configNamespace, tenantSlug);
    const existing = await unlessNotFound(() => core.readNamespacedConfigMap({ name: namespace, namespace: configNamespace }));
    if (existing) {
      // keys Flowify or an operator added stay
      body.data = { ...existing.data, ...body.data };
      body.metadata = {
        ...body.metadata,
        labels: { ...existing.metadata?.labels, ...body.metadata?.labels },
        annotations: { ...existing.metadata?.annotations, ...body.metadata?.annotations },
        resourceVersion: existing.metadata?.resourceVersion,
      };
      await core.replaceNamespacedConfigMap({ name: namespace, namespace: configNamespace, body });
    } else {
      await core.createNamespacedConfigMap({ namespace: configNamespace, body });
    }
  } catch (error) {
    throw clusterUnavailable(error, `store workspace "${ws.name}"`);
  }
}

/**
 * The write hook of the workspaces service, inside its transaction: on the `argo` engine a new
 * workspace gets its namespace, and the ConfigMap follows its name, description, rules and visibility.
 */
export async function workspaceWritten(tx: Tx, before: WorkspaceRow | null, row: WorkspaceRow, tenantSlug: string): Promise<WorkspaceRow> {
  if (workspaceEngine(row) !== "argo" || row.archivedAt) return row;
  if (before && before.namespace && sameConfig(before, row)) return row;
  return ensureInCluster(tx, row, tenantSlug);
}

/** Gives a workspace its namespace (when it has none) and writes it to the cluster. */
export async function ensureInCluster(tx: Tx, row: WorkspaceRow, tenantSlug: string): Promise<WorkspaceRow> {
  let current = row;
  if (!current.namespace) {
    const namespace = await freeNamespace(tx, current, tenantSlug);
    [current] = await tx.update(workspaces).set({ namespace }).where(eq(workspaces.id, row.id)).returning();
  }
  await writeToCluster(current, current.namespace!, tenantSlug);
  return current;
}

/** A ConfigMap as seen by the informer, into its workspace: created, adopted by name, or updated. */
export async function applyWorkspaceConfig(cm: V1ConfigMap): Promise<void> {
  const config = readWorkspaceConfig(cm);
  if (!config) {
    log().warn({ configMap: cm.metadata?.name }, "a workspace ConfigMap's roles are not a JSON list of roles or of role lists; skipped (as Flowify does)");
    return;
  }
  for (let tries = 1; ; tries++) {
    try {
      if (await upsertFromConfig(config)) return;
    } catch (error) {
      // the ConfigMap of a workspace being created may come in before its transaction committed
      if ((error as { cause?: { code?: string } }).cause?.code !== "23505") throw error;
    }
    if (tries === 3) throw new Error(`workspace ConfigMap ${config.namespace}: its workspace kept changing`);
  }
}

/** One try; false when the workspace changed meanwhile (then it is read again). */
async function upsertFromConfig(config: WorkspaceConfig): Promise<boolean> {
  const db = await database();
  const [tenant] = await db.select().from(tenants).where(eq(tenants.slug, config.tenantSlug ?? argoSettings().clusterTenant));
  if (!tenant) {
    log().warn({ configMap: config.namespace, tenant: config.tenantSlug ?? argoSettings().clusterTenant }, "a workspace ConfigMap names a tenant that does not exist; skipped");
    return true;
  }
  const actor = clusterPrincipal(tenant);
  return db.transaction(async (tx) => {
    const [linked] = await tx.select().from(workspaces).where(and(eq(workspaces.tenantId, tenant.id), eq(workspaces.namespace, config.namespace)));
    const wanted = { name: config.name, description: config.description, accessRules: config.accessRules, hidden: config.hidden };
    if (linked) {
      // Sluice's own writes come back as events too, possibly after newer ones: they change nothing
      if (linked.archivedAt || config.writtenBySluice || sameConfig(linked, wanted)) return true;
      const [named] = await tx.select({ id: workspaces.id }).from(workspaces).where(and(eq(workspaces.tenantId, tenant.id), eq(workspaces.name, wanted.name)));
      const changes = named && named.id !== linked.id ? { ...wanted, name: linked.name } : wanted;
      const [row] = await tx
        .update(workspaces)
        .set({ ...changes, version: sql`${workspaces.version} + 1`, updatedAt: new Date() })
        .where(and(eq(workspaces.id, linked.id), eq(workspaces.version, linked.version)))
        .returning();
      if (!row) return false;
      await recordAudit(tx, actor, { action: "workspace.update", targetType: "workspace", targetId: row.id, workspaceId: row.id, before: snapshot(linked), after: snapshot(row) });
      return true;
    }
    // a workspace of that name that is not in the cluster yet is the same workspace
    const [named] = await tx.select().from(workspaces).where(and(eq(workspaces.tenantId, tenant.id), eq(workspaces.name, wanted.name)));
    if (named && !named.namespace) {
      const [row] = await tx
        .update(workspaces)
        .set({ ...wanted, namespace: config.namespace, version: sql`${workspaces.version} + 1`, updatedAt: new Date() })
        .where(and(eq(workspaces.id, named.id), eq(workspaces.version, named.version)))
        .returning();
      if (!row) return false;
      await recordAudit(tx, actor, { action: "workspace.update", targetType: "workspace", targetId: row.id, workspaceId: row.id, before: snapshot(named), after: { ...snapshot(row), namespace: row.namespace } });
      return true;
    }
    const name = named ? config.namespace : wanted.name;
    const [row] = await tx.insert(workspaces).values({ tenantId: tenant.id, ...wanted, name, namespace: config.namespace }).returning();
    await recordAudit(tx, actor, { action: "workspace.create", targetType: "workspace", targetId: row.id, workspaceId: row.id, after: { ...snapshot(row), namespace: row.namespace } });
    return true;
  });
}

/** The ConfigMap of a workspace is gone: the workspace is archived (its namespace and runs stay). */
export async function workspaceConfigRemoved(namespace: string): Promise<void> {
  const db = await database();
  await db.transaction(async (tx) => {
    const gone = await tx
      .update(workspaces)
      .set({ archivedAt: new Date(), version: sql`${workspaces.version} + 1`, updatedAt: new Date() })
      .where(and(eq(workspaces.namespace, namespace), isNull(workspaces.archivedAt)))
      .returning();
    for (const row of gone) {
      const [tenant] = await tx.select().from(tenants).where(eq(tenants.id, row.tenantId));
      await recordAudit(tx, clusterPrincipal(tenant), { action: "workspace.archive", targetType: "workspace", targetId: row.id, workspaceId: row.id, after: { archived: true, reason: `ConfigMap ${namespace} was deleted` } });
    }
  });
}

/** Archives the cluster-linked workspaces whose ConfigMap is not among those listed (deleted while no informer ran). */
async function archiveMissing(listed: ReadonlySet<string>): Promise<void> {
  const db = await database();
  const linked = await db.select({ namespace: workspaces.namespace }).from(workspaces).where(and(isNotNull(workspaces.namespace), isNull(workspaces.archivedAt)));
  for (const { namespace } of linked) if (namespace && !listed.has(namespace)) await workspaceConfigRemoved(namespace);
}

const RESTART_MS = 2_000;

/**
 * The informer on the config namespace's workspace ConfigMaps (list, then watch; client-node lists
 * again after a 410). It is started again after an error. `stop()` ends it.
 */
export async function startWorkspaceInformer(): Promise<{ stop: () => Promise<void> }> {
  const { config, core } = kube();
  const { configNamespace } = argoSettings();
  const informer = makeInformer<V1ConfigMap>(
    config,
    `/api/v1/namespaces/${configNamespace}/configmaps`,
    () => core.listNamespacedConfigMap({ namespace: configNamespace, labelSelector: WORKSPACE_CONFIG_SELECTOR }),
    WORKSPACE_CONFIG_SELECTOR,
  );
  let queue = Promise.resolve();
  const serially = (work: () => Promise<void>) => {
    queue = queue.then(work).catch((error) => log().error({ err: error }, "applying a workspace ConfigMap failed"));
  };
  let stopped = false;
  informer.on("add", (cm) => serially(() => applyWorkspaceConfig(cm)));
  informer.on("update", (cm) => serially(() => applyWorkspaceConfig(cm)));
  informer.on("delete", (cm) => serially(() => workspaceConfigRemoved(cm.metadata?.name ?? "")));
  informer.on("error", (error) => {
    log().warn({ err: error }, "the workspace ConfigMap informer stopped; starting it again");
    if (!stopped) setTimeout(() => void informer.start().catch(() => undefined), RESTART_MS).unref();
  });
  await informer.start();
  serially(() => archiveMissing(new Set(informer.list(configNamespace).map((cm) => cm.metadata?.name ?? ""))));
  await queue;
  return {
    stop: async () => {
      stopped = true;
      await informer.stop();
      await queue;
    },
  };
}
