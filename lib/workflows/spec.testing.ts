import { graphEdges } from "./graph";
import { workflowSpec, type Graph, type WorkflowSpec } from "./model";

/** Test helpers: build specs from terse literals (zod fills the defaults) and compare DAG shapes. */

export function buildSpec(input: Record<string, unknown>): WorkflowSpec {
  return workflowSpec.parse(input);
}

export function container(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name, kind: "container", container: { image: "busybox", command: ["echo"], args: [name] }, ...extra };
}

/** A → (B, C) → D, control edges only. */
export function diamond(): WorkflowSpec {
  return buildSpec({
    steps: [container("A"), container("B", { dependsOn: ["A"] }), container("C", { dependsOn: ["A"] }), container("D", { dependsOn: ["B", "C"] })],
  });
}

export type DagShape = { steps: string[]; edges: string[]; groups: Record<string, DagShape> };

/** Step names and edges of every graph level (groups recursively), order-independent. */
export function dagShape(graph: Graph): DagShape {
  const groups: Record<string, DagShape> = {};
  for (const step of graph.steps) if (step.kind === "group") groups[step.name] = dagShape(step.group);
  return {
    steps: graph.steps.map((step) => step.name).sort(),
    edges: graphEdges(graph)
      .map((edge) => `${edge.from} -> ${edge.to} (${edge.kind}${edge.output ? ` ${edge.output}` : ""}${edge.input ? ` → ${edge.input}` : ""})`)
      .sort(),
    groups,
  };
}
