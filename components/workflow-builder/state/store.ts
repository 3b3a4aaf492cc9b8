"use client";

import { createContext, useContext, useSyncExternalStore } from "react";
import type { Graph, WorkflowSpec } from "@/lib/workflows/model";
import { graphAt, updateGraphAt, validPath, type GraphPath } from "./spec-ops";

/**
 * The builder's state: the spec being edited with its undo/redo stacks, plus view state (the
 * graph level shown, the selected steps, expanded groups). A small external store rather than
 * context state, so that components subscribe to the slice they render and a keystroke in the
 * inspector does not re-render the whole tree.
 */
export type BuilderState = {
  spec: WorkflowSpec;
  /** the spec of `baseVersion`, to tell whether there are unsaved changes */
  savedSpec: WorkflowSpec;
  baseVersion: number;
  past: WorkflowSpec[];
  future: WorkflowSpec[];
  /** the last edit, so that a burst of edits to one field (typing) is one undo step */
  lastEdit?: { key: string; at: number };
  path: string[];
  /** step names at `path` */
  selection: string[];
  /** group steps shown expanded, by "path/name" */
  expanded: Record<string, true>;
};

export type BuilderAction =
  | { type: "edit"; recipe: (spec: WorkflowSpec) => WorkflowSpec; key?: string; select?: string[] }
  | { type: "undo" }
  | { type: "redo" }
  | { type: "select"; names: string[] }
  | { type: "enter"; path: string[]; select?: string[] }
  | { type: "toggleExpanded"; key: string }
  | { type: "saved"; spec: WorkflowSpec; version: number }
  /** replaces everything, e.g. when reloading the latest version; not undoable */
  | { type: "reset"; spec: WorkflowSpec; baseVersion: number };

const HISTORY_LIMIT = 200;
const COALESCE_MS = 1000;

export function initialState(spec: WorkflowSpec, baseVersion: number): BuilderState {
  return { spec, savedSpec: spec, baseVersion, past: [], future: [], path: [], selection: [], expanded: {} };
}

function settle(state: BuilderState, spec: WorkflowSpec, select?: string[]): BuilderState {
  const path = validPath(spec, state.path);
  const graph = graphAt(spec, path);
  const names = new Set(graph?.steps.map((step) => step.name));
  const selection = (select ?? (path.length === state.path.length ? state.selection : [])).filter((name) => names.has(name));
  const sameSelection = selection.length === state.selection.length && selection.every((name, i) => name === state.selection[i]);
  return { ...state, spec, path: path.length === state.path.length ? state.path : path, selection: sameSelection ? state.selection : selection };
}

export function reduce(state: BuilderState, action: BuilderAction, now = Date.now()): BuilderState {
  switch (action.type) {
    case "edit": {
      const spec = action.recipe(state.spec);
      if (spec === state.spec) return action.select ? settle(state, spec, action.select) : state;
      const coalesce = action.key !== undefined && state.lastEdit?.key === action.key && now - state.lastEdit.at < COALESCE_MS && state.past.length > 0;
      const past = coalesce ? state.past : [...state.past.slice(-(HISTORY_LIMIT - 1)), state.spec];
      return { ...settle(state, spec, action.select), past, future: [], lastEdit: action.key ? { key: action.key, at: now } : undefined };
    }
    case "undo": {
      if (state.past.length === 0) return state;
      const spec = state.past[state.past.length - 1];
      return { ...settle(state, spec), past: state.past.slice(0, -1), future: [state.spec, ...state.future], lastEdit: undefined };
    }
    case "redo": {
      if (state.future.length === 0) return state;
      const [spec, ...future] = state.future;
      return { ...settle(state, spec), past: [...state.past, state.spec], future, lastEdit: undefined };
    }
    case "select": {
      const same = action.names.length === state.selection.length && action.names.every((name, i) => name === state.selection[i]);
      return same ? state : { ...state, selection: action.names };
    }
    case "enter": {
      const path = validPath(state.spec, action.path);
      return { ...state, path, selection: action.select ?? [] };
    }
    case "toggleExpanded": {
      const expanded = { ...state.expanded };
      if (expanded[action.key]) delete expanded[action.key];
      else expanded[action.key] = true;
      return { ...state, expanded };
    }
    case "saved":
      return { ...state, savedSpec: action.spec, baseVersion: action.version, lastEdit: undefined };
    case "reset":
      return { ...initialState(action.spec, action.baseVersion), expanded: state.expanded };
  }
}

export type BuilderStore = {
  getState: () => BuilderState;
  dispatch: (action: BuilderAction) => void;
  subscribe: (listener: () => void) => () => void;
};

export function createBuilderStore(initial: BuilderState): BuilderStore {
  let state = initial;
  const listeners = new Set<() => void>();
  return {
    getState: () => state,
    dispatch(action) {
      const next = reduce(state, action);
      if (next === state) return;
      state = next;
      for (const listener of listeners) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export const BuilderStoreContext = createContext<BuilderStore | null>(null);

export function useBuilderStore(): BuilderStore {
  const store = useContext(BuilderStoreContext);
  if (!store) throw new Error("useBuilderStore outside <WorkflowBuilder>");
  return store;
}

/** Subscribes to one slice of the builder state; `select` must return a stable value for unchanged state. */
export function useBuilder<T>(select: (state: BuilderState) => T): T {
  const store = useBuilderStore();
  return useSyncExternalStore(
    store.subscribe,
    () => select(store.getState()),
    () => select(store.getState()),
  );
}

/** Edits the graph at `path` (the current level unless given). */
export function editGraph(store: BuilderStore, recipe: (graph: Graph) => Graph, options: { key?: string; select?: string[]; path?: GraphPath } = {}): void {
  const path = options.path ?? store.getState().path;
  store.dispatch({ type: "edit", recipe: (spec) => updateGraphAt(spec, path, recipe), key: options.key, select: options.select });
}
