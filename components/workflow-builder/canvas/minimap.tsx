"use client";

import { Panel, useStore, useStoreApi, type Node, type ReactFlowState } from "@xyflow/react";
import { XYMinimap, type XYMinimapInstance } from "@xyflow/system";
import { useEffect, useId, useMemo, useRef } from "react";
import { cn } from "@/lib/utils";

type Box = { x: number; y: number; width: number; height: number };

const WIDTH = 140;
const HEIGHT = 90;
/** space around the graph and the viewport, in minimap pixels */
const MARGIN = 5;

const selectNodes = (s: ReactFlowState) => s.nodes;
const selectView = (s: ReactFlowState): Box => ({ x: -s.transform[0] / s.transform[2], y: -s.transform[1] / s.transform[2], width: s.width / s.transform[2], height: s.height / s.transform[2] });
const sameBox = (a: Box, b: Box) => a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height;
const selectPanZoom = (s: ReactFlowState) => s.panZoom;
const selectExtent = (s: ReactFlowState) => s.translateExtent;
const selectWidth = (s: ReactFlowState) => s.width;
const selectHeight = (s: ReactFlowState) => s.height;

/** Every shown node as one path (this canvas has no sub-flows, so positions are absolute), and their bounds. */
function outline(nodes: readonly Node[]): { path: string; bounds?: Box } {
  const parts: string[] = [];
  let left = Infinity;
  let top = Infinity;
  let right = -Infinity;
  let bottom = -Infinity;
  for (const node of nodes) {
    const width = node.measured?.width ?? node.width;
    const height = node.measured?.height ?? node.height;
    if (node.hidden || width === undefined || height === undefined) continue;
    const { x, y } = node.position;
    parts.push(`M${x},${y}h${width}v${height}h${-width}z`);
    left = Math.min(left, x);
    top = Math.min(top, y);
    right = Math.max(right, x + width);
    bottom = Math.max(bottom, y + height);
  }
  return { path: parts.join(""), bounds: parts.length > 0 ? { x: left, y: top, width: right - left, height: bottom - top } : undefined };
}

function union(a: Box, b: Box | undefined): Box {
  if (!b) return a;
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, width: Math.max(a.x + a.width, b.x + b.width) - x, height: Math.max(a.y + a.height, b.y + b.height) - y };
}

/**
 * The overview in the canvas corner: the graph and the part of it in view; drag it to pan, scroll it
 * to zoom (React Flow's XYMinimap, as in its MiniMap). React Flow's MiniMap renders a component and
 * an SVG element per node, each subscribed to the flow's store, which made opening a workflow of
 * 1,000 steps markedly slower; this one draws the steps as one path, rebuilt only when nodes change.
 */
export function Minimap({ className, nodeColor, maskColor }: { className?: string; nodeColor: string; maskColor: string }) {
  const store = useStoreApi();
  const nodes = useStore(selectNodes);
  const view = useStore(selectView, sameBox);
  const panZoom = useStore(selectPanZoom);
  const translateExtent = useStore(selectExtent);
  const flowWidth = useStore(selectWidth);
  const flowHeight = useStore(selectHeight);
  const { path, bounds } = useMemo(() => outline(nodes), [nodes]);
  const svg = useRef<SVGSVGElement>(null);
  const minimap = useRef<XYMinimapInstance>(undefined);
  const scale = useRef(1);
  const titleId = useId();

  const shown = union(view, bounds);
  const viewScale = Math.max(shown.width / WIDTH, shown.height / HEIGHT);
  scale.current = viewScale;
  const margin = MARGIN * viewScale;
  const width = viewScale * WIDTH + 2 * margin;
  const height = viewScale * HEIGHT + 2 * margin;
  const x = shown.x - (viewScale * WIDTH - shown.width) / 2 - margin;
  const y = shown.y - (viewScale * HEIGHT - shown.height) / 2 - margin;

  useEffect(() => {
    if (!svg.current || !panZoom) return;
    const instance = XYMinimap({ domNode: svg.current, panZoom, getTransform: () => store.getState().transform, getViewScale: () => scale.current });
    minimap.current = instance;
    return () => {
      instance.destroy();
      minimap.current = undefined;
    };
  }, [panZoom, store]);

  useEffect(() => {
    minimap.current?.update({ translateExtent, width: flowWidth, height: flowHeight, pannable: true, zoomable: true });
  }, [panZoom, translateExtent, flowWidth, flowHeight]);

  return (
    <Panel
      position="bottom-right"
      className={cn("react-flow__minimap", className)}
      style={{ width: WIDTH, height: HEIGHT, ["--xy-minimap-node-background-color-props" as string]: nodeColor, ["--xy-minimap-mask-background-color-props" as string]: maskColor }}
      data-testid="rf__minimap"
    >
      <svg ref={svg} width={WIDTH} height={HEIGHT} viewBox={`${x} ${y} ${width} ${height}`} className="react-flow__minimap-svg" role="img" aria-labelledby={titleId}>
        <title id={titleId}>Minimap</title>
        <path className="react-flow__minimap-node" d={path} shapeRendering="crispEdges" />
        <path
          className="react-flow__minimap-mask"
          d={`M${x - margin},${y - margin}h${width + 2 * margin}v${height + 2 * margin}h${-width - 2 * margin}z M${view.x},${view.y}h${view.width}v${view.height}h${-view.width}z`}
          fillRule="evenodd"
          pointerEvents="none"
        />
      </svg>
    </Panel>
  );
}
