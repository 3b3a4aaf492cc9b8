"use client";

import {
  Background,
  Controls,
  Panel,
  ReactFlow,
  SelectionMode,
  type Connection,
  type EdgeChange,
  type FinalConnectionState,
  type NodeChange,
  type OnDelete,
} from "@xyflow/react";
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore, type DragEvent } from "react";
import type { StepKind } from "@/lib/workflows/model";
import { useColorMode } from "../hooks/use-color-mode";
import { EdgeBuilder, NodeBuilder, parseEdgeId, type StepFlowEdge, type StepFlowNode } from "../flow/to-flow";
import { checkConnection, type ConnectionRequest } from "../state/connect";
import { useBuilderEnv, useCurrentGraph, useProblems } from "../state/hooks";
import { removeEdges, removeSteps, setPositions, type XY } from "../state/spec-ops";
import { editGraph, useBuilder, useBuilderStore, type BuilderState } from "../state/store";
import { CanvasActionsContext, type CanvasActions } from "./canvas-actions";
import { Minimap } from "./minimap";
import { StepEdge } from "./step-edge";
import { StepNode } from "./step-node";
import { useCanvasCommands } from "./use-canvas-commands";

export const STEP_DRAG_TYPE = "application/x-sluice-step-kind";

const nodeTypes = { step: StepNode };
const edgeTypes = { step: StepEdge };
const DELETE_KEYS = ["Backspace", "Delete"];
const MULTI_SELECT_KEYS = ["Shift", "Meta", "Control"];
const PRO_OPTIONS = { hideAttribution: true };
const EMPTY_DRAG: ReadonlyMap<string, XY> = new Map();

const selectSelection = (state: BuilderState) => state.selection;
const selectExpanded = (state: BuilderState) => state.expanded;

function toRequest(state: FinalConnectionState): ConnectionRequest | undefined {
  if (!state.fromNode || !state.toNode || !state.fromHandle || !state.toHandle) return undefined;
  const forward = state.fromHandle.type === "source";
  const [from, fromHandle, to, toHandle] = forward ? [state.fromNode, state.fromHandle, state.toNode, state.toHandle] : [state.toNode, state.toHandle, state.fromNode, state.fromHandle];
  return { source: from.id, sourceHandle: fromHandle.id, target: to.id, targetHandle: toHandle.id };
}

type CanvasProps = { onNotice: (message: string, tone?: "info" | "error") => void };

const subscribeNothing = () => () => undefined;

/**
 * The canvas renders in the browser only: React Flow shows nodes once it knows the pane's size, so
 * on the server it would build every node of a large workflow for an empty pane.
 */
export function Canvas(props: CanvasProps) {
  const inBrowser = useSyncExternalStore(
    subscribeNothing,
    () => true,
    () => false,
  );
  return inBrowser ? <FlowCanvas {...props} /> : <div className="h-full w-full" />;
}

function FlowCanvas({ onNotice }: CanvasProps) {
  const store = useBuilderStore();
  const { readOnly, context } = useBuilderEnv();
  const { graph, path } = useCurrentGraph();
  const selection = useBuilder(selectSelection);
  const expanded = useBuilder(selectExpanded);
  const { counts } = useProblems();
  const commands = useCanvasCommands();
  const colorMode = useColorMode();
  const [drag, setDrag] = useState<ReadonlyMap<string, XY>>(EMPTY_DRAG);
  const [selectedEdges, setSelectedEdges] = useState<ReadonlySet<string>>(() => new Set());
  const nodeBuilder = useRef(new NodeBuilder());
  const edgeBuilder = useRef(new EdgeBuilder());
  const level = path.join("/");

  const selectionSet = useMemo(() => new Set(selection), [selection]);
  const nodes = useMemo(
    () =>
      graph
        ? nodeBuilder.current.build(graph, level, {
            selection: selectionSet,
            problems: counts,
            expanded: (name) => Boolean(expanded[[...path, name].join("/")]),
            context,
            drag,
          })
        : [],
    [graph, level, selectionSet, counts, expanded, path, context, drag],
  );
  const edges = useMemo(() => (graph ? edgeBuilder.current.build(graph, selectedEdges, context) : []), [graph, selectedEdges, context]);

  const graphRef = useRef(graph);
  graphRef.current = graph;

  const showLevelRef = useRef(commands.showLevel);
  showLevelRef.current = commands.showLevel;
  const shownLevel = useRef(level);
  useEffect(() => {
    // the first level is shown by onInit
    if (shownLevel.current === level) return;
    shownLevel.current = level;
    setSelectedEdges(new Set());
    setDrag(EMPTY_DRAG);
    const frame = requestAnimationFrame(() => showLevelRef.current());
    return () => cancelAnimationFrame(frame);
  }, [level]);

  const onInit = useCallback(() => {
    requestAnimationFrame(() => showLevelRef.current());
  }, []);

  const onNodesChange = useCallback(
    (changes: NodeChange<StepFlowNode>[]) => {
      let nextDrag: Map<string, XY> | undefined;
      const commit = new Map<string, XY>();
      let selected: Set<string> | undefined;
      for (const change of changes) {
        if (change.type === "position" && change.position) {
          if (change.dragging) (nextDrag ??= new Map()).set(change.id, change.position);
          else commit.set(change.id, change.position);
        } else if (change.type === "select") {
          selected ??= new Set(store.getState().selection);
          if (change.selected) selected.add(change.id);
          else selected.delete(change.id);
        }
      }
      if (nextDrag) {
        const dragged = nextDrag;
        setDrag((previous) => new Map([...previous, ...dragged]));
      }
      if (commit.size > 0 && !readOnly) {
        editGraph(store, (g) => setPositions(g, commit), { key: `move:${[...commit.keys()].sort().join(",")}` });
        setDrag((previous) => {
          const next = new Map(previous);
          for (const id of commit.keys()) next.delete(id);
          return next.size === 0 ? EMPTY_DRAG : next;
        });
      }
      if (selected) {
        const order = store.getState().selection.filter((name) => selected.has(name));
        for (const name of selected) if (!order.includes(name)) order.push(name);
        store.dispatch({ type: "select", names: order });
      }
    },
    [store, readOnly],
  );

  const onEdgesChange = useCallback((changes: EdgeChange<StepFlowEdge>[]) => {
    const selects = changes.filter((change) => change.type === "select");
    if (selects.length === 0) return;
    setSelectedEdges((previous) => {
      const next = new Set(previous);
      for (const change of selects) {
        if (change.selected) next.add(change.id);
        else next.delete(change.id);
      }
      return next;
    });
  }, []);

  const check = useCallback((request: ConnectionRequest) => (graphRef.current ? checkConnection(graphRef.current, request, context) : undefined), [context]);

  const isValidConnection = useCallback((connection: StepFlowEdge | Connection) => Boolean(check(connection)?.ok), [check]);

  const onConnect = useCallback(
    (connection: Connection) => {
      const result = check(connection);
      if (!result) return;
      if (!result.ok) {
        onNotice(result.reason, "error");
        return;
      }
      editGraph(store, result.apply);
      onNotice(result.note ?? "Connected.", "info");
    },
    [check, onNotice, store],
  );

  const onConnectEnd = useCallback(
    (_event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      if (state.isValid !== false) return;
      const request = toRequest(state);
      const result = request && check(request);
      if (result && !result.ok) onNotice(result.reason, "error");
    },
    [check, onNotice],
  );

  const onDelete: OnDelete<StepFlowNode, StepFlowEdge> = useCallback(
    ({ nodes: deletedNodes, edges: deletedEdges }) => {
      const names = new Set(deletedNodes.map((node) => node.id));
      const refs = deletedEdges
        .filter((edge) => !names.has(edge.source) && !names.has(edge.target))
        .map((edge) => parseEdgeId(edge.id))
        .filter((ref) => ref !== undefined);
      editGraph(store, (g) => removeEdges(removeSteps(g, names), refs));
      setSelectedEdges(new Set());
    },
    [store],
  );

  const actions = useMemo<CanvasActions>(
    () => ({
      openGroup: (group, select) => store.dispatch({ type: "enter", path: [...store.getState().path, group], select: select ? [select] : [] }),
      toggleExpanded: (group) => store.dispatch({ type: "toggleExpanded", key: [...store.getState().path, group].join("/") }),
      deleteEdge: (id) => {
        const ref = parseEdgeId(id);
        if (!ref || readOnly) return;
        editGraph(store, (g) => removeEdges(g, [ref]));
        setSelectedEdges((previous) => {
          const next = new Set(previous);
          next.delete(id);
          return next;
        });
      },
    }),
    [store, readOnly],
  );

  const onDragOver = useCallback((event: DragEvent) => {
    if (!event.dataTransfer.types.includes(STEP_DRAG_TYPE)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
  }, []);

  const onDrop = useCallback(
    (event: DragEvent) => {
      const kind = event.dataTransfer.getData(STEP_DRAG_TYPE) as StepKind;
      if (!kind || readOnly) return;
      event.preventDefault();
      commands.addStepAt(kind, { x: event.clientX, y: event.clientY });
    },
    [commands, readOnly],
  );

  const onPaneClick = useCallback(() => {
    if (store.getState().selection.length > 0) store.dispatch({ type: "select", names: [] });
  }, [store]);

  return (
    <CanvasActionsContext.Provider value={actions}>
      <div className="h-full w-full" data-testid="canvas" onDragOver={onDragOver} onDrop={onDrop}>
        <ReactFlow<StepFlowNode, StepFlowEdge>
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          edgeTypes={edgeTypes}
          onNodesChange={onNodesChange}
          onEdgesChange={onEdgesChange}
          onConnect={onConnect}
          onConnectEnd={onConnectEnd}
          isValidConnection={isValidConnection}
          onDelete={onDelete}
          onPaneClick={onPaneClick}
          onlyRenderVisibleElements
          onInit={onInit}
          minZoom={0.1}
          maxZoom={2}
          // d3-zoom stops a double-click it zooms on, so a group's double-click (open it) would never arrive
          zoomOnDoubleClick={false}
          nodesDraggable={!readOnly}
          nodesConnectable={!readOnly}
          edgesReconnectable={false}
          deleteKeyCode={readOnly ? null : DELETE_KEYS}
          selectionKeyCode="Shift"
          selectionMode={SelectionMode.Partial}
          multiSelectionKeyCode={MULTI_SELECT_KEYS}
          elevateNodesOnSelect={false}
          proOptions={PRO_OPTIONS}
          colorMode={colorMode}
          ariaLabelConfig={{ "node.a11yDescription.default": "Press Enter or Space to select this step. Arrow keys move a selected step; Delete removes it." }}
        >
          <Background gap={20} size={1} />
          <Controls showInteractive={false} position="bottom-left" />
          <Minimap className="!bg-surface" maskColor="color-mix(in srgb, var(--bg) 70%, transparent)" nodeColor="var(--border)" />
          {graph && graph.steps.length === 0 && (
            <Panel position="top-center">
              <p className="rounded-md border border-dashed border-border bg-surface px-4 py-3 text-sm text-fg-muted">
                {readOnly ? "This level has no steps." : "Drag a step kind from the palette, or select one and press Enter, to add the first step."}
              </p>
            </Panel>
          )}
        </ReactFlow>
      </div>
    </CanvasActionsContext.Provider>
  );
}
