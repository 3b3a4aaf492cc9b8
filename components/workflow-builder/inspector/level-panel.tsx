"use client";

import { useCallback } from "react";
import { Input, Select } from "@/components/ui/field";
import { VALUE_TYPES, type Graph, type ValueType, type WorkflowInput, type WorkflowOutput } from "@/lib/workflows/model";
import { messagesAt, problemsOfLevel, useBuilderEnv, useProblems } from "../state/hooks";
import { setIn, type Path } from "../state/immutable";
import { renameInputRefs } from "../state/spec-ops";
import { editGraph, useBuilder, useBuilderStore } from "../state/store";
import { AddButton, Errors, RemoveButton, Section, TextField, fieldDomId } from "./controls";
import { ValueSourceEditor } from "./value-source";

function uniqueName(base: string, items: readonly { name: string }[]): string {
  const names = new Set(items.map((item) => item.name));
  if (!names.has(base)) return base;
  for (let i = 2; ; i++) if (!names.has(`${base}${i}`)) return `${base}${i}`;
}

function TypeSelect({ label, value, onChange }: { label: string; value: ValueType; onChange: (type: ValueType) => void }) {
  return (
    <Select aria-label={label} value={value} className="h-8 w-24 shrink-0 py-0 text-sm" onChange={(e) => onChange(e.target.value as ValueType)}>
      {VALUE_TYPES.map((type) => (
        <option key={type} value={type}>
          {type}
        </option>
      ))}
    </Select>
  );
}

/** Default of a graph input: a literal of its type, or for a secret input the name of a secret. */
function DefaultEditor({ id, input, onChange }: { id: string; input: WorkflowInput; onChange: (value: unknown) => void }) {
  const { context } = useBuilderEnv();
  const value = input.default;
  if (input.type === "secret") {
    const names = [...context.secretNames].sort();
    return (
      <Select id={id} aria-label={`Default secret of ${input.name}`} value={typeof value === "string" ? value : ""} className="h-8 py-0 text-sm" onChange={(e) => onChange(e.target.value === "" ? undefined : e.target.value)}>
        <option value="">No default</option>
        {names.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </Select>
    );
  }
  if (input.type === "boolean") {
    return (
      <Select id={id} aria-label={`Default of ${input.name}`} value={value === undefined ? "" : String(value)} className="h-8 py-0 text-sm" onChange={(e) => onChange(e.target.value === "" ? undefined : e.target.value === "true")}>
        <option value="">No default</option>
        <option value="true">true</option>
        <option value="false">false</option>
      </Select>
    );
  }
  const text = value === undefined ? "" : typeof value === "string" ? value : JSON.stringify(value);
  return (
    <Input
      id={id}
      aria-label={`Default of ${input.name}`}
      placeholder="No default"
      className="h-8 font-mono text-sm"
      value={text}
      onChange={(e) => {
        const raw = e.target.value;
        if (raw === "") return onChange(undefined);
        if (input.type === "number" && Number.isFinite(Number(raw))) return onChange(Number(raw));
        if (input.type === "json") {
          try {
            return onChange(JSON.parse(raw));
          } catch {
            return onChange(raw);
          }
        }
        onChange(raw);
      }}
    />
  );
}

/** The panel shown when no step is selected: the workflow (or the open group) itself. */
export function LevelPanel({ graph, path }: { graph: Graph; path: string[] }) {
  const store = useBuilderStore();
  const { name } = useBuilderEnv();
  const description = useBuilder((state) => state.spec.description);
  const labels = useBuilder((state) => state.spec.labels);
  const { problems } = useProblems();
  const levelProblems = problemsOfLevel(problems, path);
  const prefix: Path = path.length ? ["group"] : [];
  const scope = path.length ? path.join("/") : "workflow";
  const errors = (field: Path) => messagesAt(levelProblems, [...prefix, ...field]);
  const id = (field: Path) => fieldDomId(scope, field);
  const edit = useCallback((recipe: (graph: Graph) => Graph, key?: string) => editGraph(store, recipe, { key: key && `${scope}:${key}`, path }), [store, scope, path]);
  const setField = (field: Path, value: unknown) => edit((g) => setIn(g, field, value), field.join("."));

  const renameInput = (i: number, input: WorkflowInput, next: string) =>
    edit((g) => {
      const renamed = setIn(g, ["inputs", i, "name"], next);
      const ambiguous = g.inputs.some((other, j) => j !== i && (other.name === next || other.name === input.name));
      return ambiguous ? renamed : renameInputRefs(renamed, input.name, next);
    }, `inputs.${i}.name`);

  return (
    <div>
      <div className="border-b border-border px-3 py-2">
        <h3 className="text-sm font-semibold">{path.length ? `Group ${path[path.length - 1]}` : `Workflow ${name}`}</h3>
        <p className="text-xs text-fg-muted">{path.length ? "The group's inputs (fed by the group step's ports) and outputs." : "Select a step to edit it. Shift-click or Shift-drag to select several."}</p>
      </div>
      {path.length === 0 && (
        <Section title="About">
          <TextField
            id={id(["description"])}
            label="Description"
            multiline
            rows={3}
            value={description}
            onChange={(v) => store.dispatch({ type: "edit", recipe: (s) => ({ ...s, description: v }), key: "workflow:description" })}
          />
          <LabelsEditor labels={labels} onChange={(labels) => store.dispatch({ type: "edit", recipe: (s) => ({ ...s, labels }), key: "workflow:labels" })} />
        </Section>
      )}
      <Section title="Inputs" count={graph.inputs.length} testId="level-inputs">
        {graph.inputs.map((input, i) => (
          <div key={i} className="space-y-1.5 rounded-md border border-border p-2">
            <div className="flex items-center gap-1">
              <Input id={id(["inputs", i, "name"])} aria-label={`Input ${i + 1} name`} className="h-8 font-mono text-sm" value={input.name} aria-invalid={errors(["inputs", i, "name"]).length > 0 || undefined} onChange={(e) => renameInput(i, input, e.target.value)} />
              <TypeSelect label={`Type of input ${input.name}`} value={input.type} onChange={(type) => setField(["inputs", i, "type"], type)} />
              <RemoveButton label={`Remove input ${input.name}`} onClick={() => edit((g) => ({ ...g, inputs: g.inputs.filter((_, j) => j !== i) }))} />
            </div>
            <Errors id={id(["inputs", i, "name"])} messages={errors(["inputs", i, "name"])} />
            <label className="flex items-center gap-2 text-xs">
              <input type="checkbox" className="h-3.5 w-3.5 accent-[var(--accent)]" checked={input.required} onChange={(e) => setField(["inputs", i, "required"], e.target.checked)} />
              Required
            </label>
            <div className="space-y-1">
              <label htmlFor={id(["inputs", i, "default"])} className="block text-xs font-medium text-fg-muted">
                Default
              </label>
              <DefaultEditor id={id(["inputs", i, "default"])} input={input} onChange={(value) => setField(["inputs", i, "default"], value)} />
              <Errors id={id(["inputs", i, "default"])} messages={errors(["inputs", i, "default"])} />
            </div>
            <Input aria-label={`Description of input ${input.name}`} placeholder="Description" className="h-8 text-sm" value={input.description ?? ""} onChange={(e) => setField(["inputs", i, "description"], e.target.value === "" ? undefined : e.target.value)} />
          </div>
        ))}
        <AddButton testId="add-workflow-input" onClick={() => edit((g) => ({ ...g, inputs: [...g.inputs, { name: uniqueName("input", g.inputs), type: "string", required: false }] }))}>
          Add input
        </AddButton>
      </Section>
      <Section title="Outputs" count={graph.outputs.length} testId="level-outputs">
        {graph.outputs.map((output: WorkflowOutput, i) => (
          <div key={i} className="space-y-1.5 rounded-md border border-border p-2">
            <div className="flex items-center gap-1">
              <Input id={id(["outputs", i, "name"])} aria-label={`Output ${i + 1} name`} className="h-8 font-mono text-sm" value={output.name} aria-invalid={errors(["outputs", i, "name"]).length > 0 || undefined} onChange={(e) => setField(["outputs", i, "name"], e.target.value)} />
              <TypeSelect label={`Type of output ${output.name}`} value={output.type} onChange={(type) => setField(["outputs", i, "type"], type)} />
              <RemoveButton label={`Remove output ${output.name}`} onClick={() => edit((g) => ({ ...g, outputs: g.outputs.filter((_, j) => j !== i) }))} />
            </div>
            <Errors id={id(["outputs", i, "name"])} messages={errors(["outputs", i, "name"])} />
            {output.value.from === "first" ? (
              <p className="text-xs text-fg-muted" data-testid="output-first-of">
                The first that ran of {output.value.of.map((option) => `${option.step} › ${option.output}`).join(", ")}
              </p>
            ) : (
              <ValueSourceEditor
                id={id(["outputs", i, "value"])}
                label={`Value of ${output.name || "output"}`}
                type={output.type}
                value={output.value}
                graph={graph}
                inputLabel={path.length ? "Group input" : "Workflow input"}
                errors={errors(["outputs", i, "value"])}
                onChange={(value) => setField(["outputs", i, "value"], value ?? { from: "literal", value: "" })}
              />
            )}
            <Input aria-label={`Description of output ${output.name}`} placeholder="Description" className="h-8 text-sm" value={output.description ?? ""} onChange={(e) => setField(["outputs", i, "description"], e.target.value === "" ? undefined : e.target.value)} />
          </div>
        ))}
        <AddButton
          testId="add-workflow-output"
          onClick={() => {
            const source = graph.steps.find((step) => step.outputs.length > 0);
            const value = source ? { from: "step" as const, step: source.name, output: source.outputs[0].name } : { from: "literal" as const, value: "" };
            edit((g) => ({ ...g, outputs: [...g.outputs, { name: uniqueName("result", g.outputs), type: "string", value }] }));
          }}
        >
          Add output
        </AddButton>
      </Section>
    </div>
  );
}

function LabelsEditor({ labels, onChange }: { labels: Record<string, string>; onChange: (labels: Record<string, string>) => void }) {
  const entries = Object.entries(labels);
  const write = (next: [string, string][]) => onChange(Object.fromEntries(next));
  return (
    <fieldset className="space-y-1">
      <legend className="text-xs font-medium text-fg-muted">Labels</legend>
      {entries.map(([key, value], i) => (
        <div key={i} className="flex items-center gap-1">
          <Input aria-label={`Label ${i + 1} key`} placeholder="key" className="h-8 font-mono text-sm" value={key} onChange={(e) => write(entries.map((entry, j) => (j === i ? [e.target.value, entry[1]] : entry)))} />
          <Input aria-label={`Label ${key} value`} placeholder="value" className="h-8 font-mono text-sm" value={value} onChange={(e) => write(entries.map((entry, j) => (j === i ? [entry[0], e.target.value] : entry)))} />
          <RemoveButton label={`Remove label ${key}`} onClick={() => write(entries.filter((_, j) => j !== i))} />
        </div>
      ))}
      <AddButton onClick={() => write([...entries, [uniqueName("key", entries.map(([k]) => ({ name: k }))), ""]])}>Add label</AddButton>
    </fieldset>
  );
}
