import { afterEach, describe, expect, it, vi } from "vitest";
import { configurationProblems } from "@/lib/config/check";
import { testTenant } from "@/lib/testing/fixtures";
import { createWorkspace, updateWorkspace } from "@/lib/workspaces/service";
import { installationEngine, workspaceEngine } from "./config";

describe("choosing the engine", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("runs on the installation's engine unless the workspace chose its own", () => {
    expect(installationEngine()).toBe("local");
    vi.stubEnv("SLUICE_ENGINE", "argo");
    expect(workspaceEngine({ engine: null })).toBe("argo");
    expect(workspaceEngine({ engine: "local" })).toBe("local");
  });

  it("refuses to start on an engine or namespace it does not know", () => {
    vi.stubEnv("SLUICE_ENGINE", "kubernetes");
    vi.stubEnv("SLUICE_K8S_CONFIG_NAMESPACE", "Flowify_Config");
    vi.stubEnv("SLUICE_ARGO_STOP_GRACE_MS", "soon");
    expect(configurationProblems()).toEqual([
      'SLUICE_ENGINE must be one of local, argo, not "kubernetes".',
      `SLUICE_K8S_CONFIG_NAMESPACE must be a Kubernetes namespace name (lower-case letters, digits and '-'), not "Flowify_Config".`,
      'SLUICE_ARGO_STOP_GRACE_MS must be a positive whole number of milliseconds, not "soon".',
    ]);
  });

  it("refuses to start on argo, and a workspace refuses to move to it, without a cluster to reach", async () => {
    vi.stubEnv("KUBECONFIG", "/nonexistent/kubeconfig");
    vi.stubEnv("KUBERNETES_SERVICE_HOST", "");
    vi.stubEnv("SLUICE_ENGINE", "argo");
    expect(configurationProblems()).toEqual([expect.stringMatching(/^SLUICE_ENGINE is argo, but no Kubernetes cluster is configured/)]);
    vi.stubEnv("SLUICE_ENGINE", "");
    const { operator: admin } = await testTenant("engine");
    const ws = await createWorkspace(admin, { name: "no-cluster" });
    await expect(updateWorkspace(admin, { id: ws.id, engine: "argo" })).rejects.toMatchObject({ status: 400, details: { errors: [{ path: "engine" }] } });
    expect((await updateWorkspace(admin, { id: ws.id, engine: "local" })).engine).toBe("local");
  });
});
