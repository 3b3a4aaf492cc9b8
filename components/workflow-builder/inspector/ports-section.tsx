"use client";

import { Input, Select } from "@/components/ui/field";
import { VALUE_TYPES, type Step, type StepKind, type StepOutput, type ValueType } from "@/lib/workflows/model";
import { useBuilderEnv } from "../state/hooks";
import { setIn } from "../state/immutable";
import { renameOutputRefs, updateStep } from "../state/spec-ops";
import { stepSignature } from "../state/signature";
import { AddButton, Errors, RemoveButton, Section } from "./controls";
import type { StepEditor } from "./use-step-edit";
import { ValueSourceEditor } from "./value-source";

type OutputFrom = StepOutput["source"]["from"];

const OUTPUT_SOURCES: Record<StepKind, readonly OutputFrom[]> = {
  container: ["stdout", "file", "status"],
  script: ["stdout", "file", "status"],
  http: ["body", "status", "header"],
  workflow: ["workflow"],
  group: ["workflow"],
};

const SOURCE_LABELS: Record<OutputFrom, string> = { stdout: "Standard output", file: "File", status: "Exit/HTTP status", body: "Response body", header: "Response header", workflow: "Callee/group output" };

function defaultSource(from: OutputFrom, step: Step, signatureOutput?: string): StepOutput["source"] {
  switch (from) {
    case "file":
      return { from, path: "/tmp/output" };
    case "header":
      return { from, name: "Content-Type" };
    case "workflow":
      return { from, output: signatureOutput ?? step.outputs[0]?.name ?? "result" };
    case "body":
      return { from };
    default:
      return { from } as StepOutput["source"];
  }
}

function uniquePortName(base: string, taken: readonly { name: string }[]): string {
  const names = new Set(taken.map((item) => item.name));
  if (!names.has(base)) return base;
  for (let i = 2; ; i++) if (!names.has(`${base}${i}`)) return `${base}${i}`;
}

function TypeSelect({ id, label, value, onChange, invalid }: { id: string; label: string; value: ValueType; onChange: (type: ValueType) => void; invalid?: boolean }) {
  return (
    <Select id={id} aria-label={label} value={value} className="h-8 w-24 shrink-0 py-0 text-sm" aria-invalid={invalid} onChange={(e) => onChange(e.target.value as ValueType)}>
      {VALUE_TYPES.map((type) => (
        <option key={type} value={type}>
          {type}
        </option>
      ))}
    </Select>
  );
}

export function PortsSection({ editor }: { editor: StepEditor }) {
  const { step, graph, set, update, errors, id } = editor;
  const signatureHint = step.kind === "workflow" ? "Ports feed the called workflow's inputs of the same name." : step.kind === "group" ? "Ports feed the group's inputs of the same name." : "Use them in text fields as {{inputs.<name>}}.";
  return (
    <Section title="Input ports" count={step.inputs.length} testId="inspector-ports">
      <p className="text-xs text-fg-muted">{signatureHint} Drag an upstream output onto a port to connect it.</p>
      {step.inputs.map((port, i) => {
        const nameErrors = errors(["inputs", i, "name"]);
        return (
          <div key={i} className="space-y-1.5 rounded-md border border-border p-2" data-testid="port-row">
            <div className="flex items-center gap-1">
              <Input id={id(["inputs", i, "name"])} aria-label={`Input port ${i + 1} name`} value={port.name} className="h-8 font-mono text-sm" aria-invalid={nameErrors.length > 0 || undefined} onChange={(e) => set(["inputs", i, "name"], e.target.value)} />
              <TypeSelect id={id(["inputs", i, "type"])} label={`Type of input ${port.name}`} value={port.type} invalid={errors(["inputs", i, "type"]).length > 0} onChange={(type) => set(["inputs", i, "type"], type)} />
              <RemoveButton label={`Remove input ${port.name}`} onClick={() => update((s) => ({ ...s, inputs: s.inputs.filter((_, j) => j !== i) }))} />
            </div>
            <Errors id={id(["inputs", i, "name"])} messages={[...nameErrors, ...errors(["inputs", i, "type"])]} />
            <label className="flex items-center gap-2 text-xs">
              <input type="checkbox" className="h-3.5 w-3.5 accent-[var(--accent)]" checked={port.required} onChange={(e) => set(["inputs", i, "required"], e.target.checked)} />
              Required
            </label>
            <ValueSourceEditor id={id(["inputs", i, "value"])} label={`Value of ${port.name || "input"}`} type={port.type} value={port.value} allowUnset graph={graph} stepName={step.name} errors={errors(["inputs", i, "value"])} onChange={(value) => set(["inputs", i, "value"], value)} />
          </div>
        );
      })}
      <Errors id={id(["inputs"])} messages={errors(["inputs"], true)} />
      <AddButton testId="add-input-port" onClick={() => update((s) => ({ ...s, inputs: [...s.inputs, { name: uniquePortName("input", s.inputs), type: "string", required: true, value: { from: "literal", value: "" } }] }))}>
        Add input port
      </AddButton>
    </Section>
  );
}

export function OutputsSection({ editor }: { editor: StepEditor }) {
  const { context } = useBuilderEnv();
  const { step, set, update, editLevel, errors, id } = editor;
  const allowed = OUTPUT_SOURCES[step.kind];
  const signatureOutputs = stepSignature(step, context)?.outputs ?? [];
  return (
    <Section title="Outputs" count={step.outputs.length} testId="inspector-outputs">
      {step.outputs.map((output, i) => {
        const source = output.source;
        return (
          <div key={i} className="space-y-1.5 rounded-md border border-border p-2" data-testid="output-row">
            <div className="flex items-center gap-1">
              <Input id={id(["outputs", i, "name"])} aria-label={`Output ${i + 1} name`} value={output.name} className="h-8 font-mono text-sm" aria-invalid={errors(["outputs", i, "name"]).length > 0 || undefined} onChange={(e) => {
                  const next = e.target.value;
                  // references follow the rename unless another output has (or had) the same name
                  const ambiguous = step.outputs.some((o, j) => j !== i && (o.name === next || o.name === output.name));
                  editLevel((g) => {
                    const renamed = updateStep(g, step.name, (s) => setIn(s, ["outputs", i, "name"], next));
                    return ambiguous ? renamed : renameOutputRefs(renamed, step.name, output.name, next);
                  }, `outputs.${i}.name`);
                }}
              />
              <TypeSelect id={id(["outputs", i, "type"])} label={`Type of output ${output.name}`} value={output.type} onChange={(type) => set(["outputs", i, "type"], type)} />
              <RemoveButton label={`Remove output ${output.name}`} onClick={() => update((s) => ({ ...s, outputs: s.outputs.filter((_, j) => j !== i) }))} />
            </div>
            <Errors id={id(["outputs", i, "name"])} messages={[...errors(["outputs", i, "name"]), ...errors(["outputs", i, "type"])]} />
            <div className="flex gap-1">
              <Select id={id(["outputs", i, "source"])} aria-label={`Where output ${output.name} is read from`} value={source.from} className="h-8 w-40 shrink-0 py-0 text-sm" onChange={(e) => set(["outputs", i, "source"], defaultSource(e.target.value as OutputFrom, step, signatureOutputs[0]?.name))}>
                {[...new Set([...allowed, source.from])].map((from) => (
                  <option key={from} value={from}>
                    {SOURCE_LABELS[from]}
                  </option>
                ))}
              </Select>
              {source.from === "file" && <Input aria-label={`File path of output ${output.name}`} className="h-8 font-mono text-sm" value={source.path} onChange={(e) => set(["outputs", i, "source", "path"], e.target.value)} />}
              {source.from === "body" && (
                <Input aria-label={`JSON path of output ${output.name}`} placeholder="JSON path, e.g. $.id" className="h-8 font-mono text-sm" value={source.jsonPath ?? ""} onChange={(e) => set(["outputs", i, "source", "jsonPath"], e.target.value === "" ? undefined : e.target.value)} />
              )}
              {source.from === "header" && <Input aria-label={`Header name of output ${output.name}`} className="h-8 font-mono text-sm" value={source.name} onChange={(e) => set(["outputs", i, "source", "name"], e.target.value)} />}
              {source.from === "workflow" &&
                (signatureOutputs.length > 0 ? (
                  <Select aria-label={`Callee output read by ${output.name}`} className="h-8 py-0 text-sm" value={source.output} onChange={(e) => set(["outputs", i, "source", "output"], e.target.value)}>
                    {!signatureOutputs.some((o) => o.name === source.output) && <option value={source.output}>{source.output} (missing)</option>}
                    {signatureOutputs.map((o) => (
                      <option key={o.name} value={o.name}>
                        {o.name} ({o.type})
                      </option>
                    ))}
                  </Select>
                ) : (
                  <Input aria-label={`Callee output read by ${output.name}`} className="h-8 font-mono text-sm" value={source.output} onChange={(e) => set(["outputs", i, "source", "output"], e.target.value)} />
                ))}
            </div>
            <Errors id={id(["outputs", i, "source"])} messages={errors(["outputs", i, "source"])} />
          </div>
        );
      })}
      <AddButton
        testId="add-output"
        onClick={() =>
          update((s) => ({ ...s, outputs: [...s.outputs, { name: uniquePortName("result", s.outputs), type: "string", source: defaultSource(allowed[0], s, signatureOutputs[0]?.name) }] }))
        }
      >
        Add output
      </AddButton>
    </Section>
  );
}
