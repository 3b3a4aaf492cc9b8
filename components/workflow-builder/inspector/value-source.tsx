"use client";

import { memo, useEffect, useMemo, useState } from "react";
import { Input, Select, Textarea } from "@/components/ui/field";
import type { Graph, ValueSource, ValueType } from "@/lib/workflows/model";
import { effectiveOutputType } from "@/lib/workflows/graph";
import { useBuilderEnv } from "../state/hooks";
import { downstreamOf } from "../state/spec-ops";
import { Errors } from "./controls";

type LiteralValue = Extract<ValueSource, { from: "literal" }>["value"];
type Mode = "unset" | ValueSource["from"];

const MODE_LABELS: Record<Mode, string> = { unset: "No value", literal: "Literal", input: "Workflow input", secret: "Secret", step: "Upstream output" };

function defaultLiteral(type: ValueType): ValueSource {
  switch (type) {
    case "number":
      return { from: "literal", value: 0 };
    case "boolean":
      return { from: "literal", value: false };
    case "json":
      return { from: "literal", value: [] };
    default:
      return { from: "literal", value: "" };
  }
}

/**
 * Where a value comes from: a literal, an input of the enclosing graph, a secret (by name; values
 * are never shown) or an output of another step at this level (which draws a data edge).
 */
export function ValueSourceEditor({
  id,
  label,
  type,
  value,
  onChange,
  graph,
  stepName,
  allowUnset,
  errors = [],
  inputLabel = "Workflow input",
}: {
  id: string;
  label: string;
  type: ValueType;
  value: ValueSource | undefined;
  onChange: (value: ValueSource | undefined) => void;
  graph: Graph;
  /** the step that reads the value: it and the steps downstream of it are not offered (a cycle) */
  stepName?: string;
  allowUnset?: boolean;
  errors?: readonly string[];
  inputLabel?: string;
}) {
  const { context } = useBuilderEnv();
  const mode: Mode = value?.from ?? "unset";
  const secretNames = useMemo(() => [...context.secretNames].sort(), [context.secretNames]);
  // only listed while the value comes from a step: a large graph has hundreds
  const stepOptions = useMemo(() => (mode === "step" ? upstreamOutputs(graph, stepName) : []), [graph, stepName, mode]);
  const modes: Mode[] = [...(allowUnset ? (["unset"] as const) : []), "literal", "input", "secret", "step"];

  const switchMode = (next: Mode) => {
    if (next === mode) return;
    if (next === "unset") return onChange(undefined);
    if (next === "literal") return onChange(defaultLiteral(type));
    if (next === "input") return onChange({ from: "input", name: graph.inputs[0]?.name ?? "" });
    if (next === "secret") return onChange({ from: "secret", name: secretNames[0] ?? "" });
    const [option] = upstreamOutputs(graph, stepName);
    const first = option ? (JSON.parse(option.key) as [string, string]) : ["", ""];
    onChange({ from: "step", step: first[0], output: first[1] });
  };

  const invalid = errors.length > 0 || undefined;
  const describedBy = errors.length > 0 ? `${id}-error` : undefined;

  return (
    <div className="space-y-1" role="group" aria-labelledby={`${id}-label`}>
      <span id={`${id}-label`} className="block text-xs font-medium text-fg-muted">
        {label}
      </span>
      <div className="flex gap-1">
        <Select id={`${id}-from`} aria-label={`${label}: source`} value={mode} className="h-8 w-36 shrink-0 py-0 text-sm" onChange={(e) => switchMode(e.target.value as Mode)}>
          {modes.map((m) => (
            <option key={m} value={m}>
              {m === "input" ? inputLabel : MODE_LABELS[m]}
            </option>
          ))}
        </Select>
        <div className="min-w-0 flex-1">
          {value?.from === "literal" && <LiteralEditor id={id} label={label} type={type} value={value.value} onChange={(literal) => onChange({ from: "literal", value: literal as LiteralValue })} invalid={invalid} describedBy={describedBy} />}
          {value?.from === "input" && (
            <Select id={id} aria-label={`${label}: ${inputLabel.toLowerCase()}`} value={value.name} className="h-8 py-0 text-sm" aria-invalid={invalid} aria-describedby={describedBy} onChange={(e) => onChange({ from: "input", name: e.target.value })}>
              {!graph.inputs.some((input) => input.name === value.name) && <option value={value.name}>{value.name ? `${value.name} (missing)` : "Choose an input"}</option>}
              {graph.inputs.map((input) => (
                <option key={input.name} value={input.name}>
                  {input.name} ({input.type})
                </option>
              ))}
            </Select>
          )}
          {value?.from === "secret" && (
            <Select id={id} aria-label={`${label}: secret name`} value={value.name} className="h-8 py-0 text-sm" aria-invalid={invalid} aria-describedby={describedBy} onChange={(e) => onChange({ from: "secret", name: e.target.value })} data-testid="secret-picker">
              {!secretNames.includes(value.name) && <option value={value.name}>{value.name ? `${value.name} (missing)` : secretNames.length ? "Choose a secret" : "No secrets in this workspace"}</option>}
              {secretNames.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </Select>
          )}
          {value?.from === "step" && (
            <Select
              id={id}
              aria-label={`${label}: upstream output`}
              value={JSON.stringify([value.step, value.output])}
              className="h-8 py-0 text-sm"
              aria-invalid={invalid}
              aria-describedby={describedBy}
              onChange={(e) => {
                const [step, output] = JSON.parse(e.target.value) as [string, string];
                onChange({ from: "step", step, output });
              }}
            >
              {!stepOptions.some((option) => option.key === JSON.stringify([value.step, value.output])) && (
                <option value={JSON.stringify([value.step, value.output])}>{value.step ? `${value.step} › ${value.output} (unavailable)` : "No upstream outputs"}</option>
              )}
              <OptionList options={stepOptions} />
            </Select>
          )}
        </div>
      </div>
      <Errors id={id} messages={errors} />
    </div>
  );
}

type Option = { key: string; label: string };

/** The outputs a step may read: of every step at its level but itself and those downstream of it (a cycle). */
function upstreamOutputs(graph: Graph, stepName: string | undefined): Option[] {
  const excluded = stepName ? downstreamOf(graph, stepName).add(stepName) : new Set<string>();
  return graph.steps
    .filter((step) => !excluded.has(step.name))
    .flatMap((step) => step.outputs.map((output) => ({ key: JSON.stringify([step.name, output.name]), label: `${step.name} › ${output.name} (${effectiveOutputType(step, output)})` })));
}

/** Hundreds of options in a large workflow: re-rendered only when the list itself changes, not on every edit. */
const OptionList = memo(
  function OptionList({ options }: { options: readonly Option[] }) {
    return options.map((option) => (
      <option key={option.key} value={option.key}>
        {option.label}
      </option>
    ));
  },
  (a, b) => a.options.length === b.options.length && a.options.every((option, i) => option.key === b.options[i].key && option.label === b.options[i].label),
);

function LiteralEditor({ id, label, type, value, onChange, invalid, describedBy }: { id: string; label: string; type: ValueType; value: unknown; onChange: (value: unknown) => void; invalid?: boolean; describedBy?: string }) {
  const isJsonish = type === "json" || (value !== null && typeof value === "object");
  const [draft, setDraft] = useState(() => (isJsonish ? JSON.stringify(value, null, 2) : ""));
  const [jsonError, setJsonError] = useState<string>();
  useEffect(() => {
    if (!isJsonish) return;
    setDraft((current) => {
      try {
        if (JSON.stringify(JSON.parse(current)) === JSON.stringify(value)) return current;
      } catch {
        // the draft is being edited; replace it with the new value
      }
      return JSON.stringify(value, null, 2);
    });
  }, [value, isJsonish]);

  if (type === "boolean" && typeof value === "boolean") {
    return (
      <Select id={id} aria-label={`${label}: value`} value={String(value)} className="h-8 py-0 text-sm" aria-invalid={invalid} aria-describedby={describedBy} onChange={(e) => onChange(e.target.value === "true")}>
        <option value="true">true</option>
        <option value="false">false</option>
      </Select>
    );
  }
  if (isJsonish) {
    return (
      <>
        <Textarea
          id={id}
          aria-label={`${label}: JSON value`}
          rows={3}
          spellCheck={false}
          className="font-mono text-xs"
          value={draft}
          aria-invalid={invalid || Boolean(jsonError) || undefined}
          aria-describedby={describedBy}
          onChange={(e) => {
            setDraft(e.target.value);
            try {
              onChange(JSON.parse(e.target.value));
              setJsonError(undefined);
            } catch {
              setJsonError("Not valid JSON yet; the last valid value is kept.");
            }
          }}
        />
        {jsonError && <p className="text-xs text-warn">{jsonError}</p>}
      </>
    );
  }
  return <TextLiteral id={id} label={label} type={type} value={value} onChange={onChange} invalid={invalid} describedBy={describedBy} />;
}

function parseLiteral(type: ValueType, text: string): unknown {
  if (type === "number" && text.trim() !== "" && Number.isFinite(Number(text))) return Number(text);
  if (type === "boolean" && (text === "true" || text === "false")) return text === "true";
  return text;
}

/** Keeps what is typed ("1." on the way to "1.5") while the spec holds the parsed value. */
function TextLiteral({ id, label, type, value, onChange, invalid, describedBy }: { id: string; label: string; type: ValueType; value: unknown; onChange: (value: unknown) => void; invalid?: boolean; describedBy?: string }) {
  const shown = value === null || value === undefined ? "" : String(value);
  const [draft, setDraft] = useState(shown);
  useEffect(() => setDraft((current) => (parseLiteral(type, current) === value ? current : shown)), [value, shown, type]);
  return (
    <Input
      id={id}
      aria-label={`${label}: value`}
      value={draft}
      inputMode={type === "number" ? "decimal" : undefined}
      placeholder={type === "number" ? "a number or {{template}}" : type === "boolean" ? "true, false or {{template}}" : undefined}
      className="h-8 text-sm"
      aria-invalid={invalid}
      aria-describedby={describedBy}
      onChange={(e) => {
        setDraft(e.target.value);
        onChange(parseLiteral(type, e.target.value));
      }}
    />
  );
}
