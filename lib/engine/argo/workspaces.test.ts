import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { database } from "@/db/client";
import { workspaces } from "@/db/schema";
import type { Principal } from "@/lib/auth/principal";
import { testTenant, testUser } from "@/lib/testing/fixtures";
import { archiveWorkspace, createWorkspace, getWorkspace, listWorkspaces, updateWorkspace } from "@/lib/workspaces/service";
import { parseFlowifyRoles } from "./flowify-config";
import { KubeTestServer, type KubeObject } from "./kube-server.testing";
import { resetKube } from "./kube";
import { startWorkspaceInformer } from "./workspaces";

/**
 * Flowify's workspaces, both ways, against a Kubernetes API test server: the seed's ConfigMaps (a flat
 * list, a list of lists, hideForUnauthorized) become workspaces whose access is what Flowify's rule
 * gives each user, and the ConfigMaps Sluice writes give, under Flowify's rule, the access Sluice does.
 */

/** Flowify's own reading (workspace.go: getAccessTokens, UserHasAccess, UserHasAdminAccess), ported as is. */
function flowifyRoles(cm: KubeObject): string[][] {
  const text = (cm.data as Record<string, string>).roles;
  if (text.split("[").length - 1 > 1) return JSON.parse(text) as string[][];
  return [JSON.parse(text) as string[]];
}
function flowifyHas(rules: string[][], roles: string[], suffix = ""): boolean {
  for (const list of rules) {
    let has = false;
    for (const role of list) {
      has = roles.includes(role + suffix);
      if (!has) break;
    }
    if (!has) continue;
    return true;
  }
  return false;
}
function flowifyAccess(cm: KubeObject, roles: string[]): "admin" | "editor" | "none" {
  const rules = flowifyRoles(cm);
  return flowifyHas(rules, roles, "-admin") ? "admin" : flowifyHas(rules, roles) ? "editor" : "none";
}
const flowifyHidden = (cm: KubeObject) => (cm.data as Record<string, string>).hideForUnauthorized === "true";

const CONFIG_NAMESPACE = "flowify";
const configMap = (name: string, data: Record<string, string>): KubeObject => ({
  metadata: { name, namespace: CONFIG_NAMESPACE, labels: { "app.kubernetes.io/component": "workspace-config", "app.kubernetes.io/part-of": "flowify" } },
  data,
});

/** The seed's examples, and the other forms its text describes. */
const SEED: KubeObject[] = [
  configMap("workspace", { roles: '["role-x", "role-y", "role-z"]', projectName: "example-workspace", description: "A short description of the workspace (optional).\n" }),
  configMap("analytics", { roles: '[["role-a"], ["role-b", "role-c"]]', projectName: "analytics" }),
  configMap("secret-project", { roles: '["role-s"]', projectName: "secret-project", hideForUnauthorized: "true" }),
];
const ROLE_SETS = [[], ["role-x"], ["role-x", "role-y", "role-z"], ["role-x-admin", "role-y-admin", "role-z-admin"], ["role-a"], ["role-b"], ["role-b", "role-c"], ["role-b-admin", "role-c-admin"], ["role-a-admin"], ["role-s"], ["role-s-admin", "role-x"]];

let kube: KubeTestServer;
let informer: { stop: () => Promise<void> };
let fx: { tenant: { id: string; slug: string }; operator: Principal; admin: Principal; users: { roles: string[]; principal: Principal }[] };

async function workspaceIn(namespace: string) {
  const db = await database();
  const [row] = await db.select().from(workspaces).where(and(eq(workspaces.tenantId, fx.tenant.id), eq(workspaces.namespace, namespace)));
  return row;
}

beforeAll(async () => {
  kube = await KubeTestServer.start();
  const { tenant, operator } = await testTenant("flowify");
  vi.stubEnv("KUBECONFIG", kube.kubeconfig);
  vi.stubEnv("SLUICE_ENGINE", "argo");
  vi.stubEnv("SLUICE_K8S_CONFIG_NAMESPACE", CONFIG_NAMESPACE);
  vi.stubEnv("SLUICE_K8S_TENANT", tenant.slug);
  resetKube();
  kube.put("namespaces", null, { metadata: { name: CONFIG_NAMESPACE, labels: { "istio-injection": "enabled", "team.example/cost-centre": "42" } } });
  for (const cm of SEED) kube.put("configmaps", CONFIG_NAMESPACE, cm);
  kube.put("configmaps", CONFIG_NAMESPACE, configMap("broken", { roles: "role-x, role-y", projectName: "broken" }));
  fx = {
    tenant,
    operator,
    admin: await testUser(tenant.slug, operator, { admin: true }),
    users: await Promise.all(ROLE_SETS.map(async (roles) => ({ roles, principal: await testUser(tenant.slug, operator, { roles }) }))),
  };
  informer = await startWorkspaceInformer();
});

afterAll(async () => {
  await informer.stop();
  await kube.close();
  vi.unstubAllEnvs();
  resetKube();
});

const namespaceOfWorkspace = async (id: string) => (await database().then((db) => db.select().from(workspaces).where(eq(workspaces.id, id))))[0].namespace;
const namespaceOf = async (name: string) => namespaceOfWorkspace((await createWorkspace(fx.admin, { name })).id);

/** Each user's access to the workspace, and whether it is listed for them. */
async function accessTable(namespace: string) {
  const ws = await workspaceIn(namespace);
  return Promise.all(
    fx.users.map(async ({ roles, principal }) => {
      const listed = (await listWorkspaces(principal, { limit: 200 })).items.some((item) => item.id === ws.id);
      const access = listed ? (await getWorkspace(principal, { id: ws.id })).access : "none";
      return { roles: roles.join(" "), access, listed };
    }),
  );
}

const flowifyTable = (cm: KubeObject) => ROLE_SETS.map((roles) => ({ roles: roles.join(" "), access: flowifyAccess(cm, roles), listed: !flowifyHidden(cm) || flowifyAccess(cm, roles) !== "none" }));

describe("Flowify's ConfigMaps into workspaces", () => {
  it.each(SEED.map((cm) => [cm.metadata.name, cm] as const))("%s: access as Flowify's rule gives it", async (namespace, cm) => {
    await vi.waitFor(async () => expect(await workspaceIn(namespace)).toBeDefined(), { timeout: 5_000 });
    const table = await accessTable(namespace);
    expect(table).toEqual(flowifyTable(cm));
    expect(new Set(table.map((row) => row.access))).toEqual(new Set(["none", "editor", "admin"]));
  });

  it("takes the name from projectName, the description, and the hiding", async () => {
    expect(await workspaceIn("workspace")).toMatchObject({ name: "example-workspace", description: "A short description of the workspace (optional).", accessRules: [["role-x", "role-y", "role-z"]], hidden: false });
    expect(await workspaceIn("analytics")).toMatchObject({ accessRules: [["role-a"], ["role-b", "role-c"]] });
    expect(await workspaceIn("secret-project")).toMatchObject({ hidden: true });
  });

  it("skips a ConfigMap whose roles Flowify could not read either", async () => {
    expect(parseFlowifyRoles("role-x, role-y")).toBeUndefined();
    expect(await workspaceIn("broken")).toBeUndefined();
  });

  it("follows changes made with kubectl within seconds, and archives a workspace whose ConfigMap is deleted", async () => {
    kube.put("configmaps", CONFIG_NAMESPACE, configMap("analytics", { roles: '["role-b"]', projectName: "analytics", hideForUnauthorized: "true" }));
    await vi.waitFor(async () => expect(await workspaceIn("analytics")).toMatchObject({ accessRules: [["role-b"]], hidden: true }), { timeout: 5_000 });
    expect(await accessTable("analytics")).toEqual(flowifyTable(kube.get("configmaps", CONFIG_NAMESPACE, "analytics")!));
    kube.remove("configmaps", CONFIG_NAMESPACE, "analytics");
    await vi.waitFor(async () => expect((await workspaceIn("analytics")).archivedAt).not.toBeNull(), { timeout: 5_000 });
  });
});

describe("Sluice's workspaces into Flowify's ConfigMaps", () => {
  const CASES = [
    { name: "Team Data", accessRules: ["role-x", "role-y"], hidden: false },
    { name: "ops", accessRules: [["role-a"], ["role-b", "role-c"]], hidden: false },
    { name: "Hidden Lab", accessRules: [["role-s"]], hidden: true },
    { name: "members-only", accessRules: [], hidden: false },
  ];

  it.each(CASES)("$name: the namespace and a ConfigMap that Flowify's rule reads as Sluice does", async (input) => {
    const namespace = await namespaceOfWorkspace((await createWorkspace(fx.admin, { ...input, description: `about ${input.name}` })).id);
    expect(namespace).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    expect(kube.get("namespaces", null, namespace!)?.metadata.labels).toEqual({ "istio-injection": "enabled", "team.example/cost-centre": "42" });
    const cm = kube.get("configmaps", CONFIG_NAMESPACE, namespace!)!;
    expect(cm.metadata.labels).toMatchObject({ "app.kubernetes.io/component": "workspace-config", "sluice.dev/tenant": fx.tenant.slug });
    expect(cm.data).toMatchObject({ projectName: input.name, description: `about ${input.name}`, hideForUnauthorized: String(input.hidden) });
    expect(await accessTable(namespace!)).toEqual(flowifyTable(cm));
  });

  it("writes a flat list as Flowify does, and rewrites the ConfigMap when the rules change", async () => {
    const ws = await createWorkspace(fx.admin, { name: "Rules Change", accessRules: ["role-x"] });
    const namespace = (await namespaceOfWorkspace(ws.id))!;
    expect(kube.get("configmaps", CONFIG_NAMESPACE, namespace)!.data).toMatchObject({ roles: '["role-x"]' });
    await updateWorkspace(fx.admin, { id: ws.id, accessRules: [["role-a"], ["role-b", "role-c"]], expectedVersion: ws.version });
    const cm = kube.get("configmaps", CONFIG_NAMESPACE, namespace)!;
    expect(cm.data).toMatchObject({ roles: '[["role-a"],["role-b","role-c"]]' });
    expect(await accessTable(namespace)).toEqual(flowifyTable(cm));
    // the informer sees Sluice's own write and leaves the workspace as it is
    const before = await workspaceIn(namespace);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await workspaceIn(namespace)).version).toBe(before.version);
  });

  it("names namespaces after workspaces, clear of Kubernetes' own and of each other", async () => {
    // namespaces are the cluster's, so unique across tenants: a database other runs used has some already
    const suffix = Math.random().toString(36).slice(2, 8);
    expect(await namespaceOf("kube-system")).toMatch(/^ws-kube-system(-\d+)?$/);
    expect(await namespaceOf("Default")).toMatch(/^ws-default(-\d+)?$/);
    expect(await namespaceOf(`Data_Team ${suffix}`)).toBe(`data-team-${suffix}`);
    expect(await namespaceOf(`data team.${suffix}`)).toBe(`data-team-${suffix}-2`);
  });

  it("keeps the namespace and the ConfigMap when a workspace is archived", async () => {
    const ws = await createWorkspace(fx.admin, { name: "Old Project", accessRules: ["role-x"] });
    const namespace = (await namespaceOfWorkspace(ws.id))!;
    await archiveWorkspace(fx.admin, { id: ws.id });
    expect(kube.get("namespaces", null, namespace)).toBeDefined();
    expect(kube.get("configmaps", CONFIG_NAMESPACE, namespace)).toBeDefined();
    expect(kube.requests.filter((r) => r.method === "DELETE")).toEqual([]);
  });

  it("refuses to create a workspace the cluster cannot store, and creates nothing", async () => {
    const before = kube.list("configmaps", CONFIG_NAMESPACE).length;
    kube.remove("namespaces", null, CONFIG_NAMESPACE);
    try {
      await expect(createWorkspace(fx.admin, { name: "No Cluster" })).rejects.toMatchObject({ status: 503, code: "cluster_unavailable" });
      const db = await database();
      expect(await db.select().from(workspaces).where(and(eq(workspaces.tenantId, fx.tenant.id), eq(workspaces.name, "No Cluster")))).toEqual([]);
      expect(kube.list("configmaps", CONFIG_NAMESPACE)).toHaveLength(before);
    } finally {
      kube.put("namespaces", null, { metadata: { name: CONFIG_NAMESPACE, labels: { "istio-injection": "enabled", "team.example/cost-centre": "42" } } });
    }
  });

  it("sent only requests the API serves", () => {
    expect(kube.unexpected).toEqual([]);
  });
});
