"use client";

import { ReactFlowProvider } from "@xyflow/react";
import { useCallback, useMemo, useState, type ReactNode } from "react";
import type { WorkflowSpec } from "@/lib/workflows/model";
import type { ValidationContext } from "@/lib/workflows/validate";
import { Breadcrumb } from "./canvas/breadcrumb";
import { Canvas } from "./canvas/canvas";
import { StepStatusContext, type StepStatus } from "./canvas/step-status";
import { useCanvasCommands } from "./canvas/use-canvas-commands";
import { withPositions } from "./flow/layout";
import { BuilderEnvContext, type BuilderEnv } from "./state/hooks";
import { BuilderStoreContext, createBuilderStore, initialState, useBuilder, useBuilderStore, type BuilderState } from "./state/store";

export type { StepStatus };

/**
 * The builder's canvas, read-only, to show a workflow version elsewhere (a run's page): the same
 * nodes, edges, group levels and breadcrumb. Children use the hooks below to follow and change
 * which step is selected.
 */
export function GraphProvider({ workspaceId, name, spec, context, children }: { workspaceId: string; name: string; spec: WorkflowSpec; context: ValidationContext; children: ReactNode }) {
  const [store] = useState(() => createBuilderStore(initialState(withPositions(spec), 0)));
  const env = useMemo<BuilderEnv>(() => ({ workspaceId, name, readOnly: true, context: { ...context, self: { name } } }), [workspaceId, name, context]);
  return (
    <BuilderStoreContext.Provider value={store}>
      <BuilderEnvContext.Provider value={env}>
        <ReactFlowProvider>{children}</ReactFlowProvider>
      </BuilderEnvContext.Provider>
    </BuilderStoreContext.Provider>
  );
}

const selectPath = (state: BuilderState) => state.path;
const selectSelection = (state: BuilderState) => state.selection;
const ignore = () => undefined;

/** The canvas at the level shown, each step with its status from `statusAt(level)`. */
export function GraphCanvas({ statusAt }: { statusAt: (level: readonly string[]) => ReadonlyMap<string, StepStatus> }) {
  const path = useBuilder(selectPath);
  const status = useMemo(() => statusAt(path), [statusAt, path]);
  return (
    <StepStatusContext.Provider value={status}>
      <div className="flex h-full min-h-0 flex-col">
        <Breadcrumb />
        <div className="relative min-h-0 flex-1">
          <Canvas onNotice={ignore} />
        </div>
      </div>
    </StepStatusContext.Provider>
  );
}

/** The one selected step, by its level (group names) and name. */
export function useGraphSelection(): { level: string[]; name: string } | undefined {
  const path = useBuilder(selectPath);
  const selection = useBuilder(selectSelection);
  const name = selection.length === 1 ? selection[0] : undefined;
  return useMemo(() => (name ? { level: path, name } : undefined), [path, name]);
}

/** Selects a step (showing its level), opens a level, clears the selection, or fits the view. */
export function useGraphNavigation() {
  const store = useBuilderStore();
  const { focusStep, fitAll } = useCanvasCommands();
  const clear = useCallback(() => store.dispatch({ type: "select", names: [] }), [store]);
  const open = useCallback((level: string[]) => store.dispatch({ type: "enter", path: level }), [store]);
  return useMemo(() => ({ focus: focusStep, open, clear, fit: fitAll }), [focusStep, open, clear, fitAll]);
}
