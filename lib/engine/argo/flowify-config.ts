import { createHash } from "node:crypto";
import type { V1ConfigMap } from "@kubernetes/client-node";
import { normalizeRules } from "@/lib/access/rules";
import { workspaceName } from "@/lib/workspaces/schema";
import { TENANT_LABEL } from "./names";

/**
 * Flowify's workspace ConfigMaps (equinor/flowify-workflows-server, pkg/workspace): in one config
 * namespace, labelled `app.kubernetes.io/component: workspace-config`, named after the workspace (and
 * its namespace), with `roles` (a JSON list of roles, or a list of such lists), `projectName`,
 * `description` and `hideForUnauthorized` ("true"). Flowify reads `roles` as a list of lists when it
 * holds more than one "[", else as one list; a ConfigMap whose roles do not parse is skipped.
 */

export const COMPONENT_LABEL = "app.kubernetes.io/component";
/** A digest of the workspace keys as Sluice wrote them: a ConfigMap that still matches it is Sluice's own write. */
export const WRITTEN_ANNOTATION = "sluice.dev/written";
export const WORKSPACE_CONFIG = "workspace-config";
export const WORKSPACE_CONFIG_SELECTOR = `${COMPONENT_LABEL}=${WORKSPACE_CONFIG}`;

/** Bounds on what a ConfigMap may bring in (a ConfigMap itself may hold 1 MiB). */
const ROLES_MAX_CHARS = 64 * 1024;
const DESCRIPTION_MAX = 2000;

export type WorkspaceConfig = {
  /** the ConfigMap's name: the workspace's namespace (and Flowify's name for it) */
  namespace: string;
  name: string;
  description: string;
  accessRules: string[][];
  hidden: boolean;
  /** the tenant Sluice wrote it for; Flowify's own ConfigMaps have none */
  tenantSlug: string | undefined;
  /** unchanged since Sluice wrote it (its workspace has these values already, or newer ones) */
  writtenBySluice: boolean;
};

const WORKSPACE_KEYS = ["roles", "projectName", "description", "hideForUnauthorized"] as const;

function digest(data: Record<string, string>): string {
  return createHash("sha256")
    .update(JSON.stringify(WORKSPACE_KEYS.map((key) => data[key] ?? null)))
    .digest("hex");
}

/** Flowify's `getAccessTokens`: undefined when the text is not a list of roles or of role lists. */
export function parseFlowifyRoles(text: string): string[][] | undefined {
  if (text.length > ROLES_MAX_CHARS) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const isList = (value: unknown): value is string[] => Array.isArray(value) && value.every((role) => typeof role === "string");
  if (text.split("[").length - 1 > 1) return Array.isArray(parsed) && parsed.every(isList) ? normalizeRules(parsed) : undefined;
  return isList(parsed) ? normalizeRules([parsed]) : undefined;
}

/** Sluice's rules in Flowify's format: one list flat (as Flowify writes it), several as a list of lists. */
export function formatFlowifyRoles(rules: readonly (readonly string[])[]): string {
  const single = rules.length === 1 && rules[0].every((role) => !role.includes("["));
  return JSON.stringify(single ? rules[0] : rules);
}

/** A workspace from its ConfigMap; undefined when Flowify would skip it too (roles that do not parse). */
export function readWorkspaceConfig(cm: V1ConfigMap): WorkspaceConfig | undefined {
  const data = cm.data ?? {};
  const namespace = cm.metadata?.name;
  const accessRules = parseFlowifyRoles(data.roles ?? "");
  if (!namespace || !accessRules) return undefined;
  const projectName = workspaceName.safeParse(data.projectName ?? "");
  let hidden = false;
  try {
    hidden = JSON.parse(data.hideForUnauthorized ?? "false") === true;
  } catch {
    // Flowify ignores a value that is not JSON: not hidden
  }
  return {
    namespace,
    name: projectName.success ? projectName.data : namespace,
    description: (data.description ?? "").trim().slice(0, DESCRIPTION_MAX),
    accessRules,
    hidden,
    tenantSlug: cm.metadata?.labels?.[TENANT_LABEL],
    writtenBySluice: cm.metadata?.annotations?.[WRITTEN_ANNOTATION] === digest(data),
  };
}

/** The ConfigMap of a workspace, as Flowify writes one (plus the description and Sluice's tenant). */
export function workspaceConfigMap(ws: { name: string; description: string; accessRules: string[][]; hidden: boolean }, namespace: string, configNamespace: string, tenantSlug: string): V1ConfigMap {
  const data = {
    roles: formatFlowifyRoles(ws.accessRules),
    projectName: ws.name,
    description: ws.description,
    hideForUnauthorized: String(ws.hidden),
  };
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: namespace,
      namespace: configNamespace,
      labels: { [COMPONENT_LABEL]: WORKSPACE_CONFIG, "app.kubernetes.io/part-of": "flowify", [TENANT_LABEL]: tenantSlug },
      annotations: { [WRITTEN_ANNOTATION]: digest(data) },
    },
    data,
  };
}
