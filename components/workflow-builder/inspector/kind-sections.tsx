"use client";

import { Input } from "@/components/ui/field";
import type { ValueSource } from "@/lib/workflows/model";
import { renameStep, stepNameError } from "../state/spec-ops";
import { editGraph, useBuilderStore } from "../state/store";
import { AddButton, CommitField, Errors, RemoveButton, Section, SelectField, StringList, TextField } from "./controls";
import type { StepEditor } from "./use-step-edit";
import { ValueSourceEditor } from "./value-source";

export function GeneralSection({ editor }: { editor: StepEditor }) {
  const store = useBuilderStore();
  const { step, graph, path, set, errors, id } = editor;
  return (
    <Section title="Step">
      <CommitField
        id={id(["name"])}
        label="Name"
        hint="Unique at this level; references to it are renamed too. Press Enter to apply."
        value={step.name}
        mono
        errors={errors(["name"], true)}
        validate={(draft) => stepNameError(graph, step.name, draft)}
        onCommit={(next) => editGraph(store, (g) => renameStep(g, step.name, next), { path, select: [next] })}
      />
      <TextField id={id(["label"])} label="Label" value={step.label ?? ""} placeholder="A readable title" errors={errors(["label"])} onChange={(v) => set(["label"], v === "" ? undefined : v)} />
      <TextField id={id(["description"])} label="Description" multiline rows={2} value={step.description ?? ""} errors={errors(["description"])} onChange={(v) => set(["description"], v === "" ? undefined : v)} />
    </Section>
  );
}

function ImageField({ editor, section }: { editor: StepEditor; section: "container" | "script" }) {
  const { step, set, errors, id } = editor;
  const config = step.kind === "container" ? step.container : step.kind === "script" ? step.script : undefined;
  return <TextField id={id([section, "image"])} label="Image" mono placeholder="registry/image:tag" value={config?.image ?? ""} errors={errors([section, "image"])} onChange={(v) => set([section, "image"], v)} />;
}

function ResourcesFields({ editor, section }: { editor: StepEditor; section: "container" | "script" }) {
  const { step, set, errors, id } = editor;
  const resources = step.kind === "container" ? step.container.resources : step.kind === "script" ? step.script.resources : undefined;
  const change = (key: "cpu" | "memory", value: string) => {
    const next = { ...resources, [key]: value === "" ? undefined : value };
    if (next.cpu === undefined) delete next.cpu;
    if (next.memory === undefined) delete next.memory;
    set([section, "resources"], Object.keys(next).length ? next : undefined);
  };
  return (
    <div className="grid grid-cols-2 gap-2">
      <TextField id={id([section, "resources", "cpu"])} label="CPU" mono placeholder="500m" value={resources?.cpu ?? ""} errors={errors([section, "resources", "cpu"])} onChange={(v) => change("cpu", v)} />
      <TextField id={id([section, "resources", "memory"])} label="Memory" mono placeholder="256Mi" value={resources?.memory ?? ""} errors={errors([section, "resources", "memory"])} onChange={(v) => change("memory", v)} />
    </div>
  );
}

/** Name/value pairs whose values are value sources: environment variables and HTTP headers. */
export function NamedSources({
  editor,
  field,
  items,
  title,
  nameLabel,
  namePlaceholder,
}: {
  editor: StepEditor;
  field: (string | number)[];
  items: readonly { name: string; value: ValueSource }[];
  title: string;
  nameLabel: string;
  namePlaceholder: string;
}) {
  const { step, graph, set, errors, id } = editor;
  return (
    <fieldset className="space-y-2">
      <legend className="text-xs font-medium text-fg-muted">{title}</legend>
      {items.map((item, i) => (
        <div key={i} className="space-y-1 rounded-md border border-border p-2">
          <div className="flex items-center gap-1">
            <Input
              id={id([...field, i, "name"])}
              aria-label={`${nameLabel} ${i + 1}`}
              value={item.name}
              placeholder={namePlaceholder}
              className="h-8 font-mono text-sm"
              aria-invalid={errors([...field, i, "name"]).length > 0 || undefined}
              onChange={(e) => set([...field, i, "name"], e.target.value)}
            />
            <RemoveButton label={`Remove ${nameLabel.toLowerCase()} ${item.name || i + 1}`} onClick={() => set(field, items.filter((_, j) => j !== i))} />
          </div>
          <Errors id={id([...field, i, "name"])} messages={errors([...field, i, "name"])} />
          <ValueSourceEditor id={id([...field, i, "value"])} label={`Value of ${item.name || nameLabel.toLowerCase()}`} type="string" value={item.value} graph={graph} stepName={step.name} errors={errors([...field, i, "value"])} onChange={(v) => set([...field, i, "value"], v ?? { from: "literal", value: "" })} />
        </div>
      ))}
      <AddButton onClick={() => set(field, [...items, { name: "", value: { from: "literal", value: "" } }])}>Add {nameLabel.toLowerCase()}</AddButton>
    </fieldset>
  );
}

export function ContainerSection({ editor }: { editor: StepEditor }) {
  const { step, set, errors, id } = editor;
  if (step.kind !== "container") return null;
  const c = step.container;
  return (
    <Section title="Container">
      <ImageField editor={editor} section="container" />
      <StringList id={id(["container", "command"])} label="Command" values={c.command} placeholder="/bin/sh" onChange={(v) => set(["container", "command"], v)} errorsAt={(i) => errors(["container", "command", i])} />
      <StringList id={id(["container", "args"])} label="Args" values={c.args} onChange={(v) => set(["container", "args"], v)} errorsAt={(i) => errors(["container", "args", i])} />
      <TextField id={id(["container", "workingDir"])} label="Working directory" mono value={c.workingDir ?? ""} errors={errors(["container", "workingDir"])} onChange={(v) => set(["container", "workingDir"], v === "" ? undefined : v)} />
      <NamedSources editor={editor} field={["container", "env"]} items={c.env} title="Environment" nameLabel="Variable" namePlaceholder="NAME" />
      <ResourcesFields editor={editor} section="container" />
    </Section>
  );
}

export function ScriptSection({ editor }: { editor: StepEditor }) {
  const { step, set, errors, id } = editor;
  if (step.kind !== "script") return null;
  const s = step.script;
  return (
    <Section title="Script">
      <SelectField
        id={id(["script", "language"])}
        label="Language"
        value={s.language}
        options={[
          { value: "shell", label: "Shell" },
          { value: "python", label: "Python" },
          { value: "node", label: "Node.js" },
        ]}
        errors={errors(["script", "language"])}
        onChange={(v) => set(["script", "language"], v)}
      />
      <ImageField editor={editor} section="script" />
      <TextField id={id(["script", "source"])} label="Source" multiline rows={8} mono value={s.source} errors={errors(["script", "source"])} hint="Templates such as {{inputs.name}} are filled in before the script runs." onChange={(v) => set(["script", "source"], v)} />
      <NamedSources editor={editor} field={["script", "env"]} items={s.env} title="Environment" nameLabel="Variable" namePlaceholder="NAME" />
      <ResourcesFields editor={editor} section="script" />
    </Section>
  );
}

export function HttpSection({ editor }: { editor: StepEditor }) {
  const { step, set, errors, id } = editor;
  if (step.kind !== "http") return null;
  const h = step.http;
  return (
    <Section title="HTTP request">
      <div className="grid grid-cols-[6.5rem_1fr] gap-2">
        <SelectField id={id(["http", "method"])} label="Method" value={h.method} options={["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"] as const} errors={errors(["http", "method"])} onChange={(v) => set(["http", "method"], v)} />
        <TextField id={id(["http", "url"])} label="URL" mono placeholder="https://…" value={h.url} errors={errors(["http", "url"])} onChange={(v) => set(["http", "url"], v)} />
      </div>
      <NamedSources editor={editor} field={["http", "headers"]} items={h.headers} title="Headers" nameLabel="Header" namePlaceholder="Content-Type" />
      <TextField id={id(["http", "body"])} label="Body" multiline rows={4} mono value={h.body ?? ""} errors={errors(["http", "body"])} onChange={(v) => set(["http", "body"], v === "" ? undefined : v)} />
      <TextField
        id={id(["http", "successCondition"])}
        label="Success condition"
        mono
        placeholder="response.statusCode < 400"
        hint="An expression on the response; empty means any 2xx status."
        value={h.successCondition ?? ""}
        errors={errors(["http", "successCondition"])}
        onChange={(v) => set(["http", "successCondition"], v === "" ? undefined : v)}
      />
    </Section>
  );
}
