"use client";

import { createContext, useContext, useEffect, useMemo, useRef, useState } from "react";
import { deepEqual } from "@/lib/workflows/diff";
import type { Graph, Problem, WorkflowSpec } from "@/lib/workflows/model";
import { validateWorkflow, type ValidationContext } from "@/lib/workflows/validate";
import { graphAt } from "./spec-ops";
import { useBuilder, type BuilderState } from "./store";

let dirtyMemo: { spec: WorkflowSpec; saved: WorkflowSpec; dirty: boolean } | undefined;

export function isDirty(state: BuilderState): boolean {
  if (state.spec === state.savedSpec) return false;
  if (dirtyMemo && dirtyMemo.spec === state.spec && dirtyMemo.saved === state.savedSpec) return dirtyMemo.dirty;
  const dirty = !deepEqual(state.spec, state.savedSpec);
  dirtyMemo = { spec: state.spec, saved: state.savedSpec, dirty };
  return dirty;
}

export function useDirty(): boolean {
  return useBuilder(isDirty);
}

const selectSpec = (state: BuilderState) => state.spec;
const selectPath = (state: BuilderState) => state.path;

export function useCurrentGraph(): { graph: Graph | undefined; path: string[]; spec: WorkflowSpec } {
  const spec = useBuilder(selectSpec);
  const path = useBuilder(selectPath);
  const graph = useMemo(() => graphAt(spec, path), [spec, path]);
  return { graph, path, spec };
}

/** What the whole tree needs from the builder's props. */
export type BuilderEnv = {
  workspaceId: string;
  name: string;
  readOnly: boolean;
  context: ValidationContext;
};

export const BuilderEnvContext = createContext<BuilderEnv | null>(null);

export function useBuilderEnv(): BuilderEnv {
  const env = useContext(BuilderEnvContext);
  if (!env) throw new Error("useBuilderEnv outside <WorkflowBuilder>");
  return env;
}

/** Above this many steps validation (superlinear in the graph size) runs in a worker, off the main thread. */
const WORKER_MIN_STEPS = 200;

function countSteps(steps: WorkflowSpec["steps"]): number {
  let count = 0;
  for (const step of steps) count += 1 + (step.kind === "group" ? countSteps(step.group.steps) : 0);
  return count;
}

function createValidationWorker(): Worker | undefined {
  try {
    return new Worker(new URL("./validate.worker.ts", import.meta.url), { type: "module" });
  } catch {
    return undefined;
  }
}

/** A spec whose problems are known (checked on the server), so that opening a workflow validates nothing. */
export type CheckedSpec = { spec: WorkflowSpec; problems: Problem[] };

/** Problems of the spec, recomputed shortly after edits stop (never on pan, zoom or selection). */
export function useValidation(spec: WorkflowSpec, context: ValidationContext, checked?: CheckedSpec, delay = 250): Problem[] {
  const [problems, setProblems] = useState<Problem[]>(() => checked?.problems ?? []);
  const checkedSpec = useRef<WorkflowSpec | undefined>(checked?.spec);
  const worker = useRef<{ worker?: Worker; failed: boolean; latest: number }>({ failed: false, latest: 0 });
  useEffect(() => {
    const state = worker.current;
    return () => {
      state.worker?.terminate();
      state.worker = undefined;
    };
  }, []);
  useEffect(() => {
    const known = checkedSpec.current === spec;
    checkedSpec.current = undefined;
    if (known) return;
    const state = worker.current;
    const id = ++state.latest;
    const timer = setTimeout(() => {
      const big = countSteps(spec.steps) >= WORKER_MIN_STEPS;
      if (big && !state.failed) {
        state.worker ??= createValidationWorker();
        const w = state.worker;
        if (w) {
          w.onmessage = (event: MessageEvent<{ id: number; problems: Problem[] }>) => {
            if (event.data.id === state.latest) setProblems(event.data.problems);
          };
          w.onerror = () => {
            state.failed = true;
            if (id === state.latest) setProblems(validateWorkflow(spec, context));
          };
          w.postMessage({ id, spec, context });
          return;
        }
        state.failed = true;
      }
      setProblems(validateWorkflow(spec, context));
    }, delay);
    return () => clearTimeout(timer);
  }, [spec, context, delay]);
  return problems;
}

export type ProblemsInfo = {
  problems: Problem[];
  /** problem count per step name at the current level (problems inside a group count for the group) */
  counts: ReadonlyMap<string, number>;
};

export const ProblemsContext = createContext<ProblemsInfo>({ problems: [], counts: new Map() });

export function useProblems(): ProblemsInfo {
  return useContext(ProblemsContext);
}

export function countProblemsAt(problems: readonly Problem[], path: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const problem of problems) {
    const step = problem.step;
    if (!step || step.length <= path.length || !path.every((name, i) => step[i] === name)) continue;
    const name = step[path.length];
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts;
}

/** The problems located at one step (exactly that step path), for the inspector. */
export function problemsOfStep(problems: readonly Problem[], stepPath: readonly string[]): Problem[] {
  return problems.filter((problem) => problem.step?.length === stepPath.length && stepPath.every((name, i) => problem.step?.[i] === name));
}

/** The problems of a graph level itself (its inputs and outputs): located at the group step with a `group.` field, or at the workflow. */
export function problemsOfLevel(problems: readonly Problem[], path: readonly string[]): Problem[] {
  if (path.length === 0) return problems.filter((problem) => !problem.step?.length);
  return problemsOfStep(problems, path).filter((problem) => problem.field?.[0] === "group" && (problem.field[1] === "inputs" || problem.field[1] === "outputs"));
}

export function fieldKey(field: readonly (string | number)[] | undefined): string {
  return (field ?? []).join(".");
}

/** Messages of the problems at `field` or inside it. */
export function messagesAt(problems: readonly Problem[], field: readonly (string | number)[], options: { exact?: boolean } = {}): string[] {
  const key = fieldKey(field);
  return problems
    .filter((problem) => {
      const own = fieldKey(problem.field);
      return options.exact ? own === key : own === key || own.startsWith(`${key}.`);
    })
    .map((problem) => problem.message);
}
