"use client";

import { useReactFlow, useStoreApi } from "@xyflow/react";
import { useCallback, useMemo } from "react";
import type { StepKind } from "@/lib/workflows/model";
import { NODE_WIDTH } from "../flow/geometry";
import { layoutGraph } from "../flow/layout";
import { addStep, graphAt, setPositions } from "../state/spec-ops";
import { editGraph, useBuilderStore } from "../state/store";

const FIT = { padding: 0.15, maxZoom: 1, duration: 250 };
const PADDING = 40;
const READABLE_ZOOM = 0.45;

/** Commands that touch both the spec and the viewport (palette, toolbar, problems panel). */
export function useCanvasCommands() {
  const store = useBuilderStore();
  const flow = useReactFlow();
  const flowStore = useStoreApi();

  const addStepAt = useCallback(
    (kind: StepKind, screen?: { x: number; y: number }) => {
      let point = screen;
      if (!point) {
        const rect = flowStore.getState().domNode?.getBoundingClientRect();
        const state = store.getState();
        // stagger steps added one after another so they do not stack exactly
        const offset = ((graphAt(state.spec, state.path)?.steps.length ?? 0) % 6) * 28;
        point = rect ? { x: rect.left + rect.width / 2 + offset, y: rect.top + rect.height / 3 + offset } : { x: 0, y: 0 };
      }
      const position = flow.screenToFlowPosition(point);
      const placed = { x: position.x - NODE_WIDTH / 2, y: position.y - 30 };
      let added = "";
      editGraph(
        store,
        (graph) => {
          const result = addStep(graph, kind, placed);
          added = result.name;
          return result.graph;
        },
        {},
      );
      if (added) store.dispatch({ type: "select", names: [added] });
      return added;
    },
    [flow, flowStore, store],
  );

  const fitAll = useCallback(() => {
    void flow.fitView(FIT);
  }, [flow]);

  /**
   * Shows a graph level when it opens: all of it when it fits at a readable zoom, otherwise its
   * beginning (where a reader starts) rather than fitView's unreadable or middle-of-the-graph view.
   */
  const showLevel = useCallback(() => {
    const { width, height } = flowStore.getState();
    const nodes = flow.getNodes();
    if (nodes.length === 0 || !width || !height) return;
    const bounds = flow.getNodesBounds(nodes);
    const fits = Math.min((width - 2 * PADDING) / Math.max(bounds.width, 1), (height - 2 * PADDING) / Math.max(bounds.height, 1));
    if (fits >= READABLE_ZOOM) {
      void flow.fitView({ padding: 0.15, maxZoom: 1 });
      return;
    }
    const zoom = Math.max(READABLE_ZOOM, Math.min(0.6, fits));
    const x = PADDING - bounds.x * zoom;
    const y = bounds.height * zoom < height - 2 * PADDING ? (height - bounds.height * zoom) / 2 - bounds.y * zoom : PADDING - bounds.y * zoom;
    void flow.setViewport({ x, y, zoom });
  }, [flow, flowStore]);

  /** Shows a step (entering its graph level first) and selects it. */
  const focusStep = useCallback(
    (stepPath: readonly string[]) => {
      if (stepPath.length === 0) {
        store.dispatch({ type: "enter", path: [] });
        return;
      }
      const level = stepPath.slice(0, -1);
      const name = stepPath[stepPath.length - 1];
      const state = store.getState();
      const show = () => void flow.fitView({ nodes: [{ id: name }], padding: 0.6, maxZoom: 1.1, duration: 300 });
      if (level.join("/") !== state.path.join("/")) {
        store.dispatch({ type: "enter", path: level, select: [name] });
        // after the canvas has fitted the newly entered level (on its next frame)
        setTimeout(show, 80);
      } else {
        store.dispatch({ type: "select", names: [name] });
        requestAnimationFrame(show);
      }
    },
    [flow, store],
  );

  const autoLayout = useCallback(() => {
    const state = store.getState();
    const graph = graphAt(state.spec, state.path);
    if (!graph || graph.steps.length === 0) return;
    const positions = layoutGraph(graph);
    editGraph(store, (g) => setPositions(g, positions));
    requestAnimationFrame(() => void flow.fitView(FIT));
  }, [flow, store]);

  return useMemo(() => ({ addStepAt, fitAll, showLevel, focusStep, autoLayout }), [addStepAt, fitAll, showLevel, focusStep, autoLayout]);
}
