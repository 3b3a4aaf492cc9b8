import { Position, type NodeHandle } from "@xyflow/react";

/**
 * Step nodes have a fixed geometry computed from their ports, and the node component renders at
 * exactly these sizes. React Flow gets the sizes and handle positions up front, so a node that is
 * outside the viewport never has to be rendered to be measured (that is what lets
 * `onlyRenderVisibleElements` skip most of a 1,000-step graph on the first render).
 */
export const NODE_WIDTH = 260;
export const HEADER_HEIGHT = 46;
export const INFO_HEIGHT = 24;
export const ROW_HEIGHT = 22;
export const CHILD_ROW_HEIGHT = 20;
export const MAX_CHILD_ROWS = 8;
export const BOTTOM_PADDING = 6;
export const HANDLE_SIZE = 10;

export const CONTROL_HANDLE = "control";
export const inputHandle = (port: string) => `in:${port}`;
export const outputHandle = (output: string) => `out:${output}`;

export type ParsedHandle = { kind: "control" } | { kind: "port"; name: string };

export function parseHandle(id: string | null | undefined): ParsedHandle {
  if (!id || id === CONTROL_HANDLE) return { kind: "control" };
  if (id.startsWith("in:")) return { kind: "port", name: id.slice(3) };
  if (id.startsWith("out:")) return { kind: "port", name: id.slice(4) };
  return { kind: "control" };
}

export type NodeShape = { inputs: readonly string[]; outputs: readonly string[]; childRows: number };

export function portRows(shape: NodeShape): number {
  return Math.max(shape.inputs.length, shape.outputs.length);
}

export function nodeHeight(shape: NodeShape): number {
  const children = shape.childRows > 0 ? shape.childRows * CHILD_ROW_HEIGHT + 8 : 0;
  return HEADER_HEIGHT + INFO_HEIGHT + portRows(shape) * ROW_HEIGHT + children + BOTTOM_PADDING;
}

/** The vertical centre of port row `index`, from the node's top. */
export function rowCenter(index: number): number {
  return HEADER_HEIGHT + INFO_HEIGHT + index * ROW_HEIGHT + ROW_HEIGHT / 2;
}

export const CONTROL_CENTER = HEADER_HEIGHT / 2;

export function nodeHandles(shape: NodeShape): NodeHandle[] {
  const half = HANDLE_SIZE / 2;
  const handle = (id: string, type: "source" | "target", y: number): NodeHandle => ({
    id,
    type,
    position: type === "target" ? Position.Left : Position.Right,
    x: type === "target" ? -half : NODE_WIDTH - half,
    y: y - half,
    width: HANDLE_SIZE,
    height: HANDLE_SIZE,
  });
  return [
    handle(CONTROL_HANDLE, "target", CONTROL_CENTER),
    handle(CONTROL_HANDLE, "source", CONTROL_CENTER),
    ...shape.inputs.map((name, i) => handle(inputHandle(name), "target", rowCenter(i))),
    ...shape.outputs.map((name, i) => handle(outputHandle(name), "source", rowCenter(i))),
  ];
}
