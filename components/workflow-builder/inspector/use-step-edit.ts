"use client";

import { useCallback, useMemo } from "react";
import type { Graph, Problem, Step } from "@/lib/workflows/model";
import { messagesAt } from "../state/hooks";
import { setIn, type Path } from "../state/immutable";
import { updateStep } from "../state/spec-ops";
import { editGraph, useBuilderStore } from "../state/store";
import { fieldDomId } from "./controls";

export type StepEditor = {
  step: Step;
  graph: Graph;
  path: readonly string[];
  /** sets one field; consecutive changes of the same field are one undo step */
  set: (field: Path, value: unknown) => void;
  update: (recipe: (step: Step) => Step, key?: string) => void;
  /** edits the whole level the step is in */
  editLevel: (recipe: (graph: Graph) => Graph, key?: string) => void;
  errors: (field: Path, exact?: boolean) => string[];
  id: (field: Path) => string;
};

export function useStepEdit(step: Step, graph: Graph, path: readonly string[], problems: readonly Problem[]): StepEditor {
  const store = useBuilderStore();
  const name = step.name;
  const scope = [...path, name].join("/");
  const set = useCallback(
    (field: Path, value: unknown) => editGraph(store, (g) => updateStep(g, name, (s) => setIn(s, field, value)), { key: `${scope}:${field.join(".")}`, path }),
    [store, name, scope, path],
  );
  const update = useCallback((recipe: (step: Step) => Step, key?: string) => editGraph(store, (g) => updateStep(g, name, recipe), { key: key && `${scope}:${key}`, path }), [store, name, scope, path]);
  const editLevel = useCallback((recipe: (graph: Graph) => Graph, key?: string) => editGraph(store, recipe, { key: key && `${scope}:${key}`, path }), [store, scope, path]);
  const errors = useCallback((field: Path, exact?: boolean) => messagesAt(problems, field, { exact }), [problems]);
  const id = useCallback((field: Path) => fieldDomId(scope, field), [scope]);
  return useMemo(() => ({ step, graph, path, set, update, editLevel, errors, id }), [step, graph, path, set, update, editLevel, errors, id]);
}
