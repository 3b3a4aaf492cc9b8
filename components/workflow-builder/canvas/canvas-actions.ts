"use client";

import { createContext } from "react";

/** Stable callbacks that nodes call (kept out of node data so that node objects stay cacheable). */
export type CanvasActions = {
  openGroup: (group: string, select?: string) => void;
  toggleExpanded: (group: string) => void;
  deleteEdge: (id: string) => void;
};

export const CanvasActionsContext = createContext<CanvasActions>({ openGroup: () => undefined, toggleExpanded: () => undefined, deleteEdge: () => undefined });
