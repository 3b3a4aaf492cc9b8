"use client";

import { Copy, Trash2 } from "lucide-react";
import { useMemo } from "react";
import { Button } from "@/components/ui/button";
import type { Graph, Step } from "@/lib/workflows/model";
import { KIND_INFO } from "../canvas/kinds";
import { problemsOfStep, useBuilderEnv, useCurrentGraph, useProblems } from "../state/hooks";
import { removeSteps } from "../state/spec-ops";
import { editGraph, useBuilder, useBuilderStore, type BuilderState } from "../state/store";
import { CallSection, GroupSection } from "./call-section";
import { Errors } from "./controls";
import { ExecutionSection } from "./execution-section";
import { ContainerSection, GeneralSection, HttpSection, ScriptSection } from "./kind-sections";
import { LevelPanel } from "./level-panel";
import { OutputsSection, PortsSection } from "./ports-section";
import { useStepEdit } from "./use-step-edit";

const selectSelection = (state: BuilderState) => state.selection;

export function Inspector({ onDuplicate }: { onDuplicate: () => void }) {
  const { readOnly } = useBuilderEnv();
  const { graph, path } = useCurrentGraph();
  const selection = useBuilder(selectSelection);
  const selected = useMemo(() => (graph ? selection.map((name) => graph.steps.find((step) => step.name === name)).filter((step): step is Step => Boolean(step)) : []), [graph, selection]);

  return (
    <aside data-testid="inspector" aria-label="Inspector" className="flex w-[22rem] shrink-0 flex-col overflow-hidden border-l border-border bg-surface">
      <div className="min-h-0 flex-1 overflow-y-auto">
        {/* a disabled fieldset disables every control inside it, which is what read-only means here */}
        <fieldset disabled={readOnly} className="min-w-0">
          {!graph ? null : selected.length === 1 ? (
            <StepInspector key={`${path.join("/")}/${selected[0].name}`} step={selected[0]} graph={graph} path={path} onDuplicate={onDuplicate} />
          ) : selected.length > 1 ? (
            <MultiSelection steps={selected} onDuplicate={onDuplicate} />
          ) : (
            <LevelPanel graph={graph} path={path} />
          )}
        </fieldset>
      </div>
    </aside>
  );
}

function StepActions({ names, onDuplicate }: { names: string[]; onDuplicate: () => void }) {
  const store = useBuilderStore();
  const { readOnly } = useBuilderEnv();
  if (readOnly) return null;
  return (
    <div className="flex gap-1">
      <Button variant="ghost" size="sm" onClick={onDuplicate} title="Duplicate (Ctrl+D)">
        <Copy size={14} aria-hidden /> Duplicate
      </Button>
      <Button variant="ghost" size="sm" className="text-danger" title="Delete (Delete or Backspace)" onClick={() => editGraph(store, (g) => removeSteps(g, new Set(names)))}>
        <Trash2 size={14} aria-hidden /> Delete
      </Button>
    </div>
  );
}

function StepInspector({ step, graph, path, onDuplicate }: { step: Step; graph: Graph; path: string[]; onDuplicate: () => void }) {
  const { problems } = useProblems();
  const stepPath = useMemo(() => [...path, step.name], [path, step.name]);
  const own = useMemo(() => problemsOfStep(problems, stepPath), [problems, stepPath]);
  const editor = useStepEdit(step, graph, path, own);
  const info = KIND_INFO[step.kind];
  const Icon = info.icon;
  const placed = new Set(["name", "label", "description", "container", "script", "http", "call", "inputs", "outputs", "when", "timeout", "map", "retry", "group"]);
  const elsewhere = own.filter((problem) => !problem.field || !placed.has(String(problem.field[0])) || (problem.field[0] === "group" && problem.field[1] !== undefined));
  return (
    <div data-testid="step-inspector" data-step={step.name}>
      <div className="flex items-center gap-2 border-b border-border px-3 py-2">
        <Icon size={18} aria-hidden className={info.tone} />
        <div className="min-w-0 flex-1">
          <h3 className="truncate text-sm font-semibold">{step.name}</h3>
          <p className="text-xs text-fg-muted">
            {info.label} step{own.length > 0 && <span className="text-danger"> · {own.length} problem{own.length === 1 ? "" : "s"}</span>}
          </p>
        </div>
        <StepActions names={[step.name]} onDuplicate={onDuplicate} />
      </div>
      {elsewhere.length > 0 && (
        <div className="border-b border-border px-3 py-2">
          <Errors id={`step-${step.name}`} messages={elsewhere.map((problem) => problem.message)} />
        </div>
      )}
      <GeneralSection editor={editor} />
      <ContainerSection editor={editor} />
      <ScriptSection editor={editor} />
      <HttpSection editor={editor} />
      <CallSection editor={editor} />
      <GroupSection editor={editor} />
      <PortsSection editor={editor} />
      <OutputsSection editor={editor} />
      <ExecutionSection editor={editor} />
    </div>
  );
}

function MultiSelection({ steps, onDuplicate }: { steps: Step[]; onDuplicate: () => void }) {
  return (
    <div className="space-y-3 p-3">
      <h3 className="text-sm font-semibold">{steps.length} steps selected</h3>
      <ul className="space-y-1 text-sm">
        {steps.map((step) => (
          <li key={step.name} className="font-mono text-xs">
            {step.name} <span className="text-fg-muted">({step.kind})</span>
          </li>
        ))}
      </ul>
      <StepActions names={steps.map((step) => step.name)} onDuplicate={onDuplicate} />
      <p className="text-xs text-fg-muted">Ctrl+C / Ctrl+V copy and paste them with fresh names; Delete removes them.</p>
    </div>
  );
}
