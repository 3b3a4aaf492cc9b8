"use client";

import { ExternalLink, FolderOpen } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Badge } from "@/components/ui/card";
import type { Step, WorkflowInput, WorkflowOutput } from "@/lib/workflows/model";
import { useBuilderEnv } from "../state/hooks";
import { calleeVersions, type Signature } from "../state/signature";
import { useBuilderStore } from "../state/store";
import { Section, SelectField } from "./controls";
import type { StepEditor } from "./use-step-edit";

function addPorts(step: Step, inputs: readonly WorkflowInput[]): Step {
  const have = new Set(step.inputs.map((port) => port.name));
  const added = inputs.filter((input) => !have.has(input.name)).map((input) => ({ name: input.name, type: input.type, required: input.required && input.default === undefined }));
  return added.length ? { ...step, inputs: [...step.inputs, ...added] } : step;
}

function addOutputs(step: Step, outputs: readonly WorkflowOutput[]): Step {
  const have = new Set(step.outputs.map((output) => output.name));
  const added = outputs.filter((output) => !have.has(output.name)).map((output) => ({ name: output.name, type: output.type, source: { from: "workflow" as const, output: output.name } }));
  return added.length ? { ...step, outputs: [...step.outputs, ...added] } : step;
}

/** The inputs and outputs of a callee or group, with what this step passes and exposes. */
function SignatureTable({ editor, signature, what }: { editor: StepEditor; signature: Signature; what: string }) {
  const { step, update } = editor;
  const { readOnly } = useBuilderEnv();
  const passed = new Set(step.inputs.map((port) => port.name));
  const exposed = new Set(step.outputs.flatMap((output) => (output.source.from === "workflow" ? [output.source.output] : [])));
  const missing = signature.inputs.filter((input) => !passed.has(input.name));
  return (
    <div className="space-y-2 text-sm" data-testid="callee-signature">
      <div>
        <h4 className="text-xs font-medium text-fg-muted">Inputs of {what}</h4>
        {signature.inputs.length === 0 ? (
          <p className="text-xs text-fg-muted">None.</p>
        ) : (
          <ul className="mt-1 divide-y divide-border rounded-md border border-border">
            {signature.inputs.map((input) => (
              <li key={input.name} className="flex items-center gap-2 px-2 py-1">
                <span className="min-w-0 flex-1 truncate font-mono text-xs" title={input.description}>
                  {input.name}
                  {input.required && input.default === undefined && <span className="text-danger">*</span>}
                </span>
                <Badge>{input.type}</Badge>
                {passed.has(input.name) ? (
                  <Badge tone="ok">passed</Badge>
                ) : (
                  !readOnly && (
                    <Button variant="ghost" size="sm" className="h-6 px-1.5 text-xs" onClick={() => update((s) => addPorts(s, [input]))}>
                      Add port
                    </Button>
                  )
                )}
              </li>
            ))}
          </ul>
        )}
        {missing.length > 1 && !readOnly && (
          <Button variant="secondary" size="sm" className="mt-1" onClick={() => update((s) => addPorts(s, missing))}>
            Add all {missing.length} missing inputs as ports
          </Button>
        )}
      </div>
      <div>
        <h4 className="text-xs font-medium text-fg-muted">Outputs of {what}</h4>
        {signature.outputs.length === 0 ? (
          <p className="text-xs text-fg-muted">None.</p>
        ) : (
          <ul className="mt-1 divide-y divide-border rounded-md border border-border">
            {signature.outputs.map((output) => (
              <li key={output.name} className="flex items-center gap-2 px-2 py-1">
                <span className="min-w-0 flex-1 truncate font-mono text-xs">{output.name}</span>
                <Badge>{output.type}</Badge>
                {exposed.has(output.name) ? (
                  <Badge tone="ok">exposed</Badge>
                ) : (
                  !readOnly && (
                    <Button variant="ghost" size="sm" className="h-6 px-1.5 text-xs" onClick={() => update((s) => addOutputs(s, [output]))}>
                      Expose
                    </Button>
                  )
                )}
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}

export function CallSection({ editor }: { editor: StepEditor }) {
  const { context, workspaceId, name: self } = useBuilderEnv();
  const { step, update, errors, id } = editor;
  if (step.kind !== "workflow") return null;
  const { workflow, version } = step.call;
  const candidates = context.workflows.filter((w) => w.name !== self).map((w) => w.name);
  const versions = calleeVersions(context, workflow);
  const callee = versions.find((v) => v.version === version);
  const pick = (name: string) => {
    const latest = calleeVersions(context, name).reduce((max, v) => Math.max(max, v.version), 1);
    update((s) => {
      if (s.kind !== "workflow") return s;
      const next: Step = { ...s, call: { workflow: name, version: latest } };
      const target = calleeVersions(context, name).find((v) => v.version === latest);
      return target ? addPorts(next, target.inputs) : next;
    });
  };
  return (
    <Section title="Workflow call">
      <SelectField
        id={id(["call", "workflow"])}
        label="Workflow"
        value={workflow}
        options={[...(candidates.includes(workflow) ? [] : [{ value: workflow, label: workflow ? `${workflow} (not found)` : "Choose a workflow" }]), ...candidates.map((name) => ({ value: name, label: name }))]}
        errors={errors(["call", "workflow"])}
        hint={candidates.length === 0 ? "No other workflows in this workspace yet." : "Picking a workflow adds ports for its inputs."}
        onChange={pick}
      />
      <SelectField
        id={id(["call", "version"])}
        label="Version"
        value={String(version)}
        options={[
          ...(callee ? [] : [{ value: String(version), label: `v${version} (not found)` }]),
          ...[...versions].sort((a, b) => b.version - a.version).map((v) => ({ value: String(v.version), label: `v${v.version}` })),
        ]}
        errors={errors(["call", "version"])}
        onChange={(v) => update((s) => (s.kind === "workflow" ? { ...s, call: { ...s.call, version: Number(v) } } : s))}
      />
      {workflow && (
        <a
          href={`/workspaces/${encodeURIComponent(workspaceId)}/workflows/${encodeURIComponent(workflow)}?version=${version}`}
          target="_blank"
          rel="noopener noreferrer"
          className="inline-flex items-center gap-1 text-sm text-accent hover:underline"
          data-testid="open-callee"
        >
          <ExternalLink size={14} aria-hidden /> Open {workflow} v{version}
        </a>
      )}
      {callee && <SignatureTable editor={editor} signature={callee} what={`${workflow} v${version}`} />}
    </Section>
  );
}

export function GroupSection({ editor }: { editor: StepEditor }) {
  const store = useBuilderStore();
  const { step, path } = editor;
  if (step.kind !== "group") return null;
  return (
    <Section title="Group">
      <p className="text-sm text-fg-muted">
        {step.group.steps.length} nested step{step.group.steps.length === 1 ? "" : "s"}. The group&apos;s own inputs and outputs are edited inside it; this step&apos;s ports feed them by name.
      </p>
      <Button variant="secondary" size="sm" onClick={() => store.dispatch({ type: "enter", path: [...path, step.name] })} data-testid="inspector-open-group">
        <FolderOpen size={14} aria-hidden /> Open group
      </Button>
      <SignatureTable editor={editor} signature={step.group} what="the group" />
    </Section>
  );
}
