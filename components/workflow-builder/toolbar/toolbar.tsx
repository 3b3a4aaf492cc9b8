"use client";

import { Download, Expand, History, LayoutGrid, Maximize, PanelLeft, PanelRight, Redo2, Save, Shrink, Undo2, Upload } from "lucide-react";
import { useRef } from "react";
import { RunWorkflowButton } from "@/components/workflows/run-workflow-button";
import { Button } from "@/components/ui/button";
import { Badge } from "@/components/ui/card";
import { Input } from "@/components/ui/field";
import { cn } from "@/lib/utils";
import { exportUrl } from "../panels/api";
import { useBuilderEnv } from "../state/hooks";
import { useBuilder, type BuilderState } from "../state/store";
import { ToolButton } from "./tool-button";
import type { SaveStatus } from "./use-save";

const canUndo = (state: BuilderState) => state.past.length > 0;
const canRedo = (state: BuilderState) => state.future.length > 0;
const selectBase = (state: BuilderState) => state.baseVersion;
const selectSaved = (state: BuilderState) => state.savedSpec;

/** Which parts of the builder are shown: the palette and inspector collapse, full width shows the graph alone. */
export type BuilderView = { palette: boolean; inspector: boolean; fullWidth: boolean };

export type ToolbarProps = {
  dirty: boolean;
  status: SaveStatus;
  message: string;
  onMessage: (message: string) => void;
  onSave: () => void;
  onUndo: () => void;
  onRedo: () => void;
  onLayout: () => void;
  onFit: () => void;
  historyOpen: boolean;
  onToggleHistory: () => void;
  onImport: (file: File) => void;
  view: BuilderView;
  onToggleView: (part: keyof BuilderView) => void;
};

export function Toolbar(props: ToolbarProps) {
  const { workspaceId, name, readOnly, context } = useBuilderEnv();
  const undo = useBuilder(canUndo);
  const redo = useBuilder(canRedo);
  const baseVersion = useBuilder(selectBase);
  const saved = useBuilder(selectSaved);
  const { view, onToggleView } = props;
  const file = useRef<HTMLInputElement>(null);
  const saving = props.status.state === "saving";

  return (
    <div role="toolbar" aria-label="Workflow builder" className="flex flex-wrap items-center gap-1 border-b border-border bg-surface px-2 py-1.5">
      {!readOnly && (
        <>
          <ToolButton label="Undo" shortcut="Control+Z" onClick={props.onUndo} disabled={!undo} testId="undo-button">
            <Undo2 size={16} aria-hidden />
          </ToolButton>
          <ToolButton label="Redo" shortcut="Control+Shift+Z" onClick={props.onRedo} disabled={!redo} testId="redo-button">
            <Redo2 size={16} aria-hidden />
          </ToolButton>
          <span className="mx-1 h-5 w-px bg-border" aria-hidden />
          <ToolButton label="Auto-layout" onClick={props.onLayout} testId="layout-button">
            <LayoutGrid size={16} aria-hidden /> <span className="hidden lg:inline">Layout</span>
          </ToolButton>
        </>
      )}
      <ToolButton label="Fit view" onClick={props.onFit} testId="fit-button">
        <Maximize size={16} aria-hidden />
      </ToolButton>
      <span className="mx-1 h-5 w-px bg-border" aria-hidden />
      {!readOnly && (
        <ToolButton label="Step palette" onClick={() => onToggleView("palette")} testId="toggle-palette" pressed={view.palette} disabled={view.fullWidth}>
          <PanelLeft size={16} aria-hidden />
        </ToolButton>
      )}
      <ToolButton label="Inspector" onClick={() => onToggleView("inspector")} testId="toggle-inspector" pressed={view.inspector} disabled={view.fullWidth}>
        <PanelRight size={16} aria-hidden />
      </ToolButton>
      <ToolButton label={view.fullWidth ? "Leave full width (Escape)" : "Full width: the graph alone"} onClick={() => onToggleView("fullWidth")} testId="toggle-full-width" pressed={view.fullWidth}>
        {view.fullWidth ? <Shrink size={16} aria-hidden /> : <Expand size={16} aria-hidden />}
      </ToolButton>
      <span className="mx-1 h-5 w-px bg-border" aria-hidden />
      <ToolButton label="Version history" onClick={props.onToggleHistory} testId="history-button" pressed={props.historyOpen}>
        <History size={16} aria-hidden /> <span className="hidden lg:inline">History</span>
      </ToolButton>
      <span className="flex items-center gap-1 text-xs text-fg-muted">
        <Download size={14} aria-hidden className="ml-1" />
        <span className="sr-only sm:not-sr-only">Export{baseVersion > 0 ? ` v${baseVersion}` : ""}:</span>
        {(["argo", "sluice"] as const).map((format) =>
          baseVersion > 0 ? (
            <a key={format} href={exportUrl(workspaceId, name, format, baseVersion)} download data-testid={`export-${format}`} className="rounded px-1.5 py-1 font-medium text-accent hover:bg-muted" title={`Download version ${baseVersion} as ${format === "argo" ? "an Argo Workflow (YAML)" : "Sluice JSON"}`}>
              {format === "argo" ? "Argo YAML" : "Sluice JSON"}
            </a>
          ) : (
            <span key={format} data-testid={`export-${format}`} aria-disabled="true" className="px-1.5 py-1 opacity-50" title="Save a first version to export it">
              {format === "argo" ? "Argo YAML" : "Sluice JSON"}
            </span>
          ),
        )}
      </span>
      {!readOnly && (
        <>
          <label htmlFor="workflow-import-input" className="sr-only">
            Import a workflow file (.yaml, .yml or .json) into the canvas
          </label>
          <input
            id="workflow-import-input"
            ref={file}
            type="file"
            accept=".yaml,.yml,.json"
            className="sr-only"
            tabIndex={-1}
            data-testid="import-input"
            onChange={(event) => {
              const picked = event.target.files?.[0];
              if (picked) props.onImport(picked);
              event.target.value = "";
            }}
          />
          <ToolButton label="Import a file" onClick={() => file.current?.click()} testId="import-button">
            <Upload size={16} aria-hidden /> <span className="hidden lg:inline">Import</span>
          </ToolButton>
        </>
      )}

      <div className="ml-auto flex items-center gap-2">
        <p aria-live="polite" role="status" data-testid="save-status" className={cn("max-w-[22rem] truncate text-xs", props.status.state === "error" || props.status.state === "stale" ? "text-danger" : "text-fg-muted")} title={statusText(props)}>
          {statusText(props)}
        </p>
        {baseVersion > 0 && (
          <RunWorkflowButton
            workspaceId={workspaceId}
            workflow={name}
            form={{ version: baseVersion, inputs: saved.inputs, secretNames: [...context.secretNames] }}
            note={props.dirty ? `Runs the saved version ${baseVersion}; your unsaved changes are not part of it.` : undefined}
          />
        )}
        {readOnly ? (
          <Badge>Read-only</Badge>
        ) : (
          <>
            <label htmlFor="workflow-save-message" className="sr-only">
              Save message (optional)
            </label>
            <Input id="workflow-save-message" value={props.message} onChange={(e) => props.onMessage(e.target.value)} placeholder="Describe the change (optional)" className="h-8 w-56 text-sm" maxLength={500} data-testid="save-message" />
            <Button size="sm" onClick={props.onSave} disabled={!props.dirty || saving} data-testid="save-button" aria-keyshortcuts="Control+S" title="Save a new version (Ctrl+S)">
              <Save size={15} aria-hidden /> {saving ? "Saving…" : "Save"}
            </Button>
          </>
        )}
      </div>
    </div>
  );
}

function statusText({ status, dirty }: ToolbarProps): string {
  switch (status.state) {
    case "saving":
      return status.what;
    case "error":
    case "stale":
      return status.message;
    case "saved":
      return dirty ? `${status.message} Unsaved changes since.` : status.message;
    case "idle":
      return dirty ? "Unsaved changes" : "No unsaved changes";
  }
}
