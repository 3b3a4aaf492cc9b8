import { afterEach, describe, expect, it, vi } from "vitest";
import { configurationProblems } from "@/lib/config/check";
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
});
