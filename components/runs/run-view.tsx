"use client";

import { useQuery } from "@tanstack/react-query";
import { Expand, Maximize, Shrink } from "lucide-react";
import { useCallback, useState } from "react";
import { Card, CardHeader } from "@/components/ui/card";
import { GraphCanvas, GraphProvider, useGraphNavigation, useGraphSelection } from "@/components/workflow-builder/graph-view";
import { FULL_WIDTH_FRAME, useFullWidth } from "@/components/workflow-builder/hooks/use-full-width";
import { getJson } from "@/components/workflow-builder/panels/api";
import { ToolButton } from "@/components/workflow-builder/toolbar/tool-button";
import { parseKey } from "@/lib/engine/local/plan";
import type { RunDetail, RunStep } from "@/lib/engine/runs/schema";
import type { ValidationContext } from "@/lib/workflows/validate";
import { cn } from "@/lib/utils";
import { isActive, LIVE_INTERVAL_MS, runUrl } from "./api";
import { RunHeader } from "./run-header";
import { RunInfo } from "./run-info";
import { levelStatuses } from "./run-status";
import { StepPanel } from "./step-panel";
import { Timeline, useNow } from "./timeline";

/** Something may still change: the run or a sub-run is active, or a cancelled run's steps are still stopping. */
const isLive = (run: RunDetail) => isActive(run) || run.children.some(isActive) || run.steps.some((step) => step.state === "running" || step.state === "queued");

/**
 * A run's page: its graph on the builder's canvas with each step's state, the selected step's
 * details and log beside it, and a timeline; polled while the run or a sub-run is active.
 */
export function RunView({ initial, context, mayCancel, mayRetry }: { initial: RunDetail; context: ValidationContext; mayCancel: boolean; mayRetry: boolean }) {
  const { data: run, error } = useQuery({
    queryKey: ["run", initial.id],
    queryFn: () => getJson<RunDetail>(`${runUrl(initial.workspaceId, initial.id)}?include=descendants`),
    initialData: initial,
    refetchInterval: (query) => (query.state.data && isLive(query.state.data) ? LIVE_INTERVAL_MS : false),
  });
  return (
    <div className="space-y-4" data-testid="run-view" data-state={run.state}>
      <RunHeader run={run} mayCancel={mayCancel} mayRetry={mayRetry} pollError={error?.message} />
      <GraphProvider workspaceId={run.workspaceId} name={run.workflow.name} spec={initial.spec} context={context}>
        <RunGraph run={run} />
      </GraphProvider>
    </div>
  );
}

function RunGraph({ run }: { run: RunDetail }) {
  const selection = useGraphSelection();
  const navigation = useGraphNavigation();
  const [picked, setPicked] = useState<{ step: string; rowId: number }>();
  const [fullWidth, toggleFullWidth] = useFullWidth();
  const now = useNow(isLive(run));
  const statusAt = useCallback((level: readonly string[]) => levelStatuses(run.steps, level), [run.steps]);
  const selected = selection ? [...selection.level, selection.name].join("/") : undefined;

  const pick = (step: RunStep) => {
    const at = parseKey(step.key);
    const path = [...at.groupPath, at.name];
    setPicked({ step: path.join("/"), rowId: step.id });
    navigation.focus(path);
  };

  return (
    <>
      <div className={cn("flex h-[calc(100vh-17rem)] min-h-[460px] overflow-hidden rounded-lg border border-border bg-bg", fullWidth && FULL_WIDTH_FRAME)} data-testid="run-graph">
        <div className="flex min-w-0 flex-1 flex-col">
          <div role="toolbar" aria-label="Run graph" className="flex items-center gap-1 border-b border-border bg-surface px-2 py-1">
            <ToolButton label="Fit view" onClick={navigation.fit} testId="fit-button">
              <Maximize size={16} aria-hidden />
            </ToolButton>
            <ToolButton label={fullWidth ? "Leave full width (Escape)" : "Full width"} onClick={toggleFullWidth} testId="toggle-full-width" pressed={fullWidth}>
              {fullWidth ? <Shrink size={16} aria-hidden /> : <Expand size={16} aria-hidden />}
            </ToolButton>
            <p className="ml-2 text-xs text-fg-muted">Double-click a group to open it; select a step for its details and log.</p>
          </div>
          <div className="min-h-0 flex-1">
            <GraphCanvas statusAt={statusAt} />
          </div>
        </div>
        <aside aria-label={selection ? "Selected step" : "Run details"} className="w-[24rem] shrink-0 overflow-y-auto border-l border-border bg-surface">
          {selection ? (
            <StepPanel
              run={run}
              level={selection.level}
              name={selection.name}
              rowId={picked && picked.step === selected ? picked.rowId : undefined}
              onPickRow={(rowId) => setPicked({ step: selected!, rowId })}
              onOpenLevel={navigation.open}
              onClose={navigation.clear}
              now={now}
            />
          ) : (
            <RunInfo run={run} />
          )}
        </aside>
      </div>
      <Card>
        <CardHeader title="Timeline" description="When each step ran, on the run's time axis." />
        <Timeline run={run} now={now} onPick={pick} />
      </Card>
    </>
  );
}
