"use client";

import { ReactFlowProvider } from "@xyflow/react";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { cn } from "@/lib/utils";
import { Dialog } from "@/components/ui/dialog";
import type { Problem, Step, WorkflowSpec } from "@/lib/workflows/model";
import type { ValidationContext } from "@/lib/workflows/validate";
import { Breadcrumb } from "./canvas/breadcrumb";
import { Canvas } from "./canvas/canvas";
import { Palette } from "./canvas/palette";
import { useCanvasCommands } from "./canvas/use-canvas-commands";
import { FULL_WIDTH_FRAME, useFullWidth } from "./hooks/use-full-width";
import { useShortcuts } from "./hooks/use-shortcuts";
import { useStoredToggle } from "./hooks/use-stored-toggle";
import { useUnsavedGuard } from "./hooks/use-unsaved-guard";
import { Inspector } from "./inspector/inspector";
import { HistoryPanel } from "./panels/history-panel";
import { ProblemsPanel } from "./panels/problems-panel";
import { BuilderEnvContext, ProblemsContext, countProblemsAt, isDirty, useBuilderEnv, useDirty, useValidation, type BuilderEnv, type CheckedSpec } from "./state/hooks";
import { graphAt, pasteSteps } from "./state/spec-ops";
import { BuilderStoreContext, createBuilderStore, editGraph, initialState, useBuilder, useBuilderStore, type BuilderState } from "./state/store";
import { importFile } from "./toolbar/import-file";
import { Toolbar, type BuilderView } from "./toolbar/toolbar";
import { useSave } from "./toolbar/use-save";

export type WorkflowBuilderProps = {
  workspaceId: string;
  /** workflow name */
  name: string;
  /**
   * the version's spec as JSON, every step with a position (flow/layout's withPositions); a string
   * because the browser parses one large string much faster than React's payload of a large object
   */
  initialSpecJson: string;
  /** the problems of that spec in `context` */
  initialProblems: Problem[];
  /** version the editor started from (0 for a new workflow) */
  baseVersion: number;
  /** viewers, archived workspaces and old versions */
  readOnly: boolean;
  /** secret names and the workspace's workflows with their versions' inputs/outputs */
  context: ValidationContext;
};

/**
 * The visual workflow builder: palette, React Flow canvas, inspector, problems, version history,
 * import/export and saving. Groups open as drill-down levels (breadcrumb); a group node can also
 * be expanded in place to list its steps.
 */
export function WorkflowBuilder({ workspaceId, name, initialSpecJson, initialProblems, baseVersion, readOnly, context }: WorkflowBuilderProps) {
  const [boot] = useState<Boot>(() => {
    const spec = JSON.parse(initialSpecJson) as WorkflowSpec;
    return { state: initialState(spec, baseVersion), checked: { spec, problems: initialProblems } };
  });
  const [store] = useState(() => createBuilderStore(boot.state));
  const fullContext = useMemo<ValidationContext>(() => ({ ...context, self: { name } }), [context, name]);
  const env = useMemo<BuilderEnv>(() => ({ workspaceId, name, readOnly, context: fullContext }), [workspaceId, name, readOnly, fullContext]);
  return (
    <BuilderStoreContext.Provider value={store}>
      <BuilderEnvContext.Provider value={env}>
        <ReactFlowProvider>
          <BuilderLayout boot={boot} />
        </ReactFlowProvider>
      </BuilderEnvContext.Provider>
    </BuilderStoreContext.Provider>
  );
}

/** How the builder starts: a version with its problems already known. */
type Boot = { state: BuilderState; checked: CheckedSpec };

type Notice = { message: string; tone: "info" | "error"; id: number };
type ImportReport = { fileName: string; name: string; format: string; warnings: string[] };

const selectSpec = (state: BuilderState) => state.spec;
const selectPath = (state: BuilderState) => state.path;

function BuilderLayout({ boot }: { boot: Boot }) {
  const store = useBuilderStore();
  const router = useRouter();
  const { workspaceId, name, readOnly, context } = useBuilderEnv();
  const spec = useBuilder(selectSpec);
  const path = useBuilder(selectPath);
  const dirty = useDirty();
  const problems = useValidation(spec, context, boot.checked);
  const problemInfo = useMemo(() => ({ problems, counts: countProblemsAt(problems, path) }), [problems, path]);
  const commands = useCanvasCommands();
  const [historyOpen, setHistoryOpen] = useState(false);
  const { status, save, restore, reloadLatest, serverProblems } = useSave(store, workspaceId, name);
  const [message, setMessage] = useState("");
  const [notice, setNotice] = useState<Notice>();
  const [imported, setImported] = useState<ImportReport>();
  const clipboard = useRef<{ steps: Step[]; pastes: number }>(undefined);
  const guard = useUnsavedGuard(dirty && !readOnly);
  const [palette, togglePalette] = useStoredToggle("sluice.builder.palette", true);
  const [inspector, toggleInspector] = useStoredToggle("sluice.builder.inspector", true);
  const [fullWidth, toggleFullWidth] = useFullWidth();
  const builderView = useMemo<BuilderView>(() => ({ palette, inspector, fullWidth }), [palette, inspector, fullWidth]);
  const toggleView = useCallback((part: keyof BuilderView) => ({ palette: togglePalette, inspector: toggleInspector, fullWidth: toggleFullWidth })[part](), [togglePalette, toggleInspector, toggleFullWidth]);

  const showNotice = useCallback((text: string, tone: "info" | "error" = "info") => setNotice({ message: text, tone, id: Date.now() }), []);
  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(undefined), notice.tone === "error" ? 8000 : 4000);
    return () => clearTimeout(timer);
  }, [notice]);

  const selectedSteps = useCallback(() => {
    const state = store.getState();
    const graph = graphAt(state.spec, state.path);
    const names = new Set(state.selection);
    return graph?.steps.filter((step) => names.has(step.name)) ?? [];
  }, [store]);

  const pasteCopies = useCallback(
    (steps: Step[], offset: number) => {
      if (steps.length === 0 || readOnly) return;
      let names: string[] = [];
      editGraph(store, (graph) => {
        const result = pasteSteps(graph, steps, { x: offset, y: offset });
        names = result.names;
        return result.graph;
      });
      store.dispatch({ type: "select", names });
      showNotice(`Added ${names.join(", ")}.`);
    },
    [store, readOnly, showNotice],
  );

  const copy = useCallback(() => {
    const steps = selectedSteps();
    if (steps.length === 0) return;
    clipboard.current = { steps: structuredClone(steps), pastes: 0 };
    void navigator.clipboard?.writeText(JSON.stringify({ kind: "sluice.dev/Steps", steps }, null, 2)).catch(() => undefined);
    showNotice(`Copied ${steps.length} step${steps.length === 1 ? "" : "s"}.`);
  }, [selectedSteps, showNotice]);

  const paste = useCallback(() => {
    const held = clipboard.current;
    if (!held) return;
    held.pastes += 1;
    pasteCopies(held.steps, 40 * held.pastes);
  }, [pasteCopies]);

  const duplicate = useCallback(() => pasteCopies(selectedSteps(), 40), [pasteCopies, selectedSteps]);

  const doSave = useCallback(() => {
    if (readOnly || !isDirty(store.getState())) return;
    // commit a name being edited (it applies on blur) before reading the spec
    if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
    void save(message).then((ok) => ok && setMessage(""));
  }, [readOnly, store, save, message]);

  const undo = useCallback(() => store.dispatch({ type: "undo" }), [store]);
  const redo = useCallback(() => store.dispatch({ type: "redo" }), [store]);
  const selectAll = useCallback(() => {
    const state = store.getState();
    store.dispatch({ type: "select", names: graphAt(state.spec, state.path)?.steps.map((step) => step.name) ?? [] });
  }, [store]);

  useShortcuts({ undo, redo, copy, paste, duplicate, save: doSave, selectAll }, true, readOnly);

  const onImport = useCallback(
    async (file: File) => {
      const result = importFile(file.name, await file.text());
      if (!result.ok) {
        showNotice(result.error, "error");
        return;
      }
      store.dispatch({ type: "enter", path: [] });
      store.dispatch({ type: "edit", recipe: () => result.spec, select: [] });
      setImported({ fileName: file.name, name: result.name, format: result.format, warnings: result.warnings });
      requestAnimationFrame(() => commands.fitAll());
    },
    [store, showNotice, commands],
  );

  return (
    <ProblemsContext.Provider value={problemInfo}>
      <div className={cn("flex h-full min-h-[480px] flex-col overflow-hidden rounded-lg border border-border bg-bg", fullWidth && FULL_WIDTH_FRAME)} data-testid="workflow-builder" data-dirty={dirty} data-full-width={fullWidth}>
        <Toolbar
          dirty={dirty}
          status={status}
          message={message}
          onMessage={setMessage}
          onSave={doSave}
          onUndo={undo}
          onRedo={redo}
          onLayout={commands.autoLayout}
          onFit={commands.fitAll}
          historyOpen={historyOpen}
          onToggleHistory={() => setHistoryOpen(!historyOpen)}
          onImport={(file) => void onImport(file)}
          view={builderView}
          onToggleView={toggleView}
        />
        {status.state === "stale" && (
          <div role="alert" data-testid="stale-banner" className="flex flex-wrap items-center gap-2 border-b border-border bg-warn/10 px-3 py-2 text-sm">
            <span className="min-w-0 flex-1">{status.message}</span>
            <Button
              variant="secondary"
              size="sm"
              onClick={() => {
                if (!dirty || window.confirm(`Reload version ${status.latest.version}? Your unsaved changes will be lost.`)) void reloadLatest(status.latest.version);
              }}
              data-testid="stale-reload"
            >
              Reload version {status.latest.version}
            </Button>
            <Button variant="danger" size="sm" onClick={() => void save(message, { baseVersion: status.latest.version })} data-testid="stale-overwrite">
              Overwrite with my changes
            </Button>
          </div>
        )}
        {imported && (
          <div role="status" data-testid="import-report" className="border-b border-border bg-accent/5 px-3 py-2 text-sm">
            <div className="flex items-start gap-2">
              <p className="min-w-0 flex-1">
                Imported {imported.format} file <strong>{imported.fileName}</strong>
                {imported.name !== name ? ` (workflow "${imported.name}")` : ""} into the canvas as an unsaved change. Save to keep it, or undo.
              </p>
              <Button variant="ghost" size="sm" onClick={() => setImported(undefined)}>
                Dismiss
              </Button>
            </div>
            {imported.warnings.length > 0 && (
              <ul className="mt-1 list-disc space-y-0.5 pl-5 text-warn" data-testid="import-warnings">
                {imported.warnings.map((warning, i) => (
                  <li key={i}>{warning}</li>
                ))}
              </ul>
            )}
          </div>
        )}
        <div className="flex min-h-0 flex-1">
          {!readOnly && palette && !fullWidth && <Palette onAdded={(added) => showNotice(`Added step ${added}.`)} />}
          <div className="flex min-w-0 flex-1 flex-col">
            <Breadcrumb />
            <div className="relative min-h-0 flex-1">
              <Canvas onNotice={showNotice} />
              <div aria-live="polite" className="pointer-events-none absolute inset-x-0 top-2 flex justify-center">
                {notice && (
                  <p key={notice.id} data-testid="canvas-notice" className={`pointer-events-auto max-w-[80%] rounded-md border px-3 py-1.5 text-sm shadow ${notice.tone === "error" ? "border-danger/40 bg-surface text-danger" : "border-border bg-surface text-fg"}`}>
                    {notice.message}
                  </p>
                )}
              </div>
            </div>
            {!fullWidth && <ProblemsPanel serverProblems={serverProblems} />}
          </div>
          {fullWidth ? null : historyOpen ? <HistoryPanel dirty={dirty} onClose={() => setHistoryOpen(false)} onRestore={(version) => void restore(version)} /> : inspector && <Inspector onDuplicate={duplicate} />}
        </div>
      </div>
      <Dialog open={guard.pending !== undefined} onOpenChange={(open) => !open && guard.cancel()} title="Leave without saving?" description="Your changes to this workflow are not saved yet.">
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={guard.cancel} autoFocus>
            Stay
          </Button>
          <Button
            variant="danger"
            data-testid="leave-unsaved"
            onClick={() => {
              const target = guard.pending;
              guard.cancel();
              if (target) {
                store.dispatch({ type: "reset", spec: store.getState().savedSpec, baseVersion: store.getState().baseVersion });
                router.push(target);
              }
            }}
          >
            Leave
          </Button>
        </div>
      </Dialog>
    </ProblemsContext.Provider>
  );
}
