import { exportToArgo, literalText, type ArgoExportWarning } from "@/lib/workflows/argo/export";
import type { ArgoManifest, ArgoWorkflowSpec } from "@/lib/workflows/argo/types";
import { exitGraph, specGraph, stepSources, walkGraphs } from "@/lib/workflows/graph";
import type { Graph, WorkflowSpec } from "@/lib/workflows/model";
import { argoSettings } from "./config";
import { MANAGED_BY, SECRET_ANNOTATION } from "./names";

/**
 * A workflow version compiled for the cluster: the Argo export (the same compiler as "Export to
 * Argo", callees inlined) with the run's inputs as the Workflow's arguments, and every secret read
 * from one Kubernetes Secret made for it (secrets.ts) — `secretKeyRef`s to its keys (the secrets'
 * names), never the values in the manifest.
 */

export type Callees = ReadonlyMap<string, WorkflowSpec>;

export type CompileInput = {
  /** the Sluice workflow's name (template names and the export's warnings) */
  workflowName: string;
  spec: WorkflowSpec;
  callees: Callees;
  inputs: Record<string, unknown>;
  namespace: string;
  /** the Secret holding the secrets the workflow reads */
  secretName: string;
};

export type RunWorkflowSpec = ArgoWorkflowSpec & { serviceAccountName?: string };
export type CompiledWorkflow = Omit<ArgoManifest, "spec"> & { spec: RunWorkflowSpec };

/** The Workflow of a run, named `name` and labelled with `labels` (plus Sluice's own), and what the export could not carry over. */
export function compileWorkflow(input: CompileInput, name: string, labels: Record<string, string>): { manifest: CompiledWorkflow; warnings: ArgoExportWarning[] } {
  const { manifest, warnings } = exportToArgo(input.workflowName, input.spec, {
    kind: "Workflow",
    namespace: input.namespace,
    resolveCall: (workflow, version) => input.callees.get(`${workflow}@${version}`),
    secretKeyRef: (secret) => ({ name: input.secretName, key: secret }),
  });
  const { generateName: _generated, ...metadata } = manifest.metadata;
  const spec: RunWorkflowSpec = { ...manifest.spec };
  if (spec.arguments) {
    spec.arguments = {
      parameters: spec.arguments.parameters.map((parameter) =>
        Object.hasOwn(input.inputs, parameter.name) && input.inputs[parameter.name] !== undefined ? { ...parameter, value: literalText(input.inputs[parameter.name]) } : parameter,
      ),
    };
  }
  const serviceAccount = argoSettings().serviceAccount;
  if (serviceAccount) spec.serviceAccountName = serviceAccount;
  const compiled: CompiledWorkflow = {
    ...manifest,
    metadata: {
      ...metadata,
      name,
      labels: { ...metadata.labels, ...labels, [MANAGED_BY]: "sluice" },
      annotations: { ...metadata.annotations, [SECRET_ANNOTATION]: input.secretName },
    },
    spec,
  };
  return { manifest: compiled, warnings };
}

/**
 * The names of the secrets a run of `spec` reads: secret value sources anywhere (groups, the exit
 * handler, callees) and the secret names its secret-typed inputs take (given, or by default).
 */
export function secretsUsed(spec: WorkflowSpec, inputs: Record<string, unknown>, callees: Callees): string[] {
  const names = new Set<string>();
  const visit = (graph: Graph) => {
    for (const input of graph.inputs) {
      const value = graph.inputs === spec.inputs && Object.hasOwn(inputs, input.name) ? inputs[input.name] : input.default;
      if (input.type === "secret" && typeof value === "string") names.add(value);
    }
    for (const step of graph.steps) for (const site of stepSources(step)) if (site.source.from === "secret") names.add(site.source.name);
  };
  for (const workflow of [spec, ...callees.values()]) {
    walkGraphs(specGraph(workflow), visit);
    const onExit = exitGraph(workflow);
    if (onExit) walkGraphs(onExit, visit);
  }
  return [...names].sort();
}
