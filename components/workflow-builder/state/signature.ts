import type { Step, ValueType, WorkflowInput, WorkflowOutput } from "@/lib/workflows/model";
import type { CallableVersion, ValidationContext } from "@/lib/workflows/validate";

export type Signature = { inputs: readonly WorkflowInput[]; outputs: readonly WorkflowOutput[] };

export function calleeVersions(context: ValidationContext, workflow: string): readonly CallableVersion[] {
  return context.workflows.find((candidate) => candidate.name === workflow)?.versions ?? [];
}

/** What a `workflow` step calls or a `group` step contains: the inputs its ports feed and the outputs it can read. */
export function stepSignature(step: Step, context: ValidationContext): Signature | undefined {
  if (step.kind === "group") return step.group;
  if (step.kind === "workflow") return calleeVersions(context, step.call.workflow).find((v) => v.version === step.call.version);
  return undefined;
}

/** A port row on a node: a declared port, or an input of the callee/group that no port feeds yet. */
export type PortView = { name: string; type: ValueType; required: boolean; declared: boolean; wired: "step" | "input" | "literal" | "secret" | undefined };

export function portViews(step: Step, signature: Signature | undefined): PortView[] {
  const ports: PortView[] = step.inputs.map((port) => ({ name: port.name, type: port.type, required: port.required, declared: true, wired: port.value?.from }));
  if (signature) {
    const declared = new Set(step.inputs.map((port) => port.name));
    for (const input of signature.inputs) {
      if (!declared.has(input.name)) ports.push({ name: input.name, type: input.type, required: input.required && input.default === undefined, declared: false, wired: undefined });
    }
  }
  return ports;
}
