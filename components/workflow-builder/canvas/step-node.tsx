"use client";

import { Handle, Position, type NodeProps } from "@xyflow/react";
import { ChevronDown, ChevronRight, ExternalLink, FolderOpen, Repeat, RotateCcw, TriangleAlert, GitBranch } from "lucide-react";
import { memo, useContext } from "react";
import type { Step } from "@/lib/workflows/model";
import { cn } from "@/lib/utils";
import { CHILD_ROW_HEIGHT, CONTROL_CENTER, CONTROL_HANDLE, HANDLE_SIZE, HEADER_HEIGHT, INFO_HEIGHT, NODE_WIDTH, ROW_HEIGHT, inputHandle, outputHandle, rowCenter } from "../flow/geometry";
import type { StepFlowNode } from "../flow/to-flow";
import { useBuilderEnv } from "../state/hooks";
import { CanvasActionsContext } from "./canvas-actions";
import { KIND_INFO, TYPE_TONE } from "./kinds";
import { StepStatusContext, StepStatusPill, statusColours } from "./step-status";

const handleClass = "!border-2 !border-surface";

function handleStyle(top: number, tone: string) {
  return { top, width: HANDLE_SIZE, height: HANDLE_SIZE, background: tone };
}

function summary(step: Step): string {
  switch (step.kind) {
    case "container":
      return step.container.image || "no image";
    case "script":
      return `${step.script.language} · ${step.script.image || "no image"}`;
    case "http":
      return `${step.http.method} ${step.http.url || "no URL"}`;
    case "workflow":
      return step.call.workflow ? `calls ${step.call.workflow} v${step.call.version}` : "no workflow chosen";
    case "group":
      return `${step.group.steps.length} step${step.group.steps.length === 1 ? "" : "s"}`;
  }
}

function StepNodeView({ data, selected }: NodeProps<StepFlowNode>) {
  const { step, ports, outputs, problems, height } = data;
  const { workspaceId, readOnly } = useBuilderEnv();
  const actions = useContext(CanvasActionsContext);
  const status = useContext(StepStatusContext)?.get(step.name);
  const colours = statusColours(status);
  const kind = KIND_INFO[step.kind];
  const Icon = kind.icon;
  const rows = Math.max(ports.length, outputs.length);
  return (
    <div
      data-testid={`node-${step.name}`}
      data-problems={problems}
      data-state={status?.state}
      onDoubleClick={step.kind === "group" ? () => actions.openGroup(step.name) : undefined}
      className={cn(
        "rounded-lg border bg-surface text-fg shadow-sm",
        selected ? "border-accent ring-2 ring-accent/40" : problems > 0 ? "border-danger" : (colours.border ?? "border-border"),
      )}
      style={{ width: NODE_WIDTH, height }}
    >
      <Handle type="target" position={Position.Left} id={CONTROL_HANDLE} isConnectable={!readOnly} className={handleClass} style={handleStyle(CONTROL_CENTER, "var(--fg-muted)")} data-testid={`handle-${step.name}-in-control`} aria-label={`${step.name}: run after (control in)`} />
      <Handle type="source" position={Position.Right} id={CONTROL_HANDLE} isConnectable={!readOnly} className={handleClass} style={handleStyle(CONTROL_CENTER, "var(--fg-muted)")} data-testid={`handle-${step.name}-out-control`} aria-label={`${step.name}: control out`} />

      <div className={cn("flex items-center gap-2 border-b border-border px-2.5", colours.header)} style={{ height: HEADER_HEIGHT }}>
        <Icon size={18} aria-hidden className={cn("shrink-0", kind.tone)} />
        <div className="min-w-0 flex-1 leading-tight">
          <div className="truncate text-sm font-semibold">{step.name}</div>
          <div className="truncate text-xs text-fg-muted">{step.label || kind.label}</div>
        </div>
        <span className="flex shrink-0 items-center gap-1 text-fg-muted">
          {step.when && <GitBranch size={13} aria-label="conditional (when)" />}
          {step.map && <Repeat size={13} aria-label="mapped over a list" />}
          {step.retry && <RotateCcw size={13} aria-label={`retries up to ${step.retry.limit} times`} />}
        </span>
        {status && <StepStatusPill status={status} />}
        {problems > 0 && (
          <span className="flex shrink-0 items-center gap-0.5 rounded bg-danger/15 px-1 text-xs font-medium text-danger" title={`${problems} problem${problems === 1 ? "" : "s"}`}>
            <TriangleAlert size={12} aria-hidden />
            {problems}
          </span>
        )}
      </div>

      <div className="flex items-center gap-1 px-2.5 text-xs text-fg-muted" style={{ height: INFO_HEIGHT }}>
        {step.kind === "group" && (
          <button
            type="button"
            className="nodrag -ml-1 rounded p-0.5 hover:bg-muted"
            aria-expanded={data.expanded}
            aria-label={data.expanded ? `Collapse group ${step.name}` : `Expand group ${step.name}`}
            data-testid={`group-toggle-${step.name}`}
            onClick={(event) => {
              event.stopPropagation();
              actions.toggleExpanded(step.name);
            }}
          >
            {data.expanded ? <ChevronDown size={14} aria-hidden /> : <ChevronRight size={14} aria-hidden />}
          </button>
        )}
        <span className={cn("min-w-0 flex-1 truncate font-mono", step.kind === "workflow" && !data.calleeKnown && "text-danger")}>{summary(step)}</span>
        {step.kind === "group" && (
          <button
            type="button"
            className="nodrag flex items-center gap-1 rounded px-1 py-0.5 text-accent hover:bg-muted"
            data-testid={`group-open-${step.name}`}
            onClick={(event) => {
              event.stopPropagation();
              actions.openGroup(step.name);
            }}
          >
            <FolderOpen size={13} aria-hidden /> Open
          </button>
        )}
        {step.kind === "workflow" && step.call.workflow && (
          <a
            className="nodrag flex items-center gap-1 rounded px-1 py-0.5 text-accent hover:bg-muted"
            href={`/workspaces/${encodeURIComponent(workspaceId)}/workflows/${encodeURIComponent(step.call.workflow)}?version=${step.call.version}`}
            target="_blank"
            rel="noopener noreferrer"
            data-testid={`open-callee-${step.name}`}
            aria-label={`Open workflow ${step.call.workflow} version ${step.call.version} in a new tab`}
            onClick={(event) => event.stopPropagation()}
          >
            <ExternalLink size={13} aria-hidden /> Open
          </a>
        )}
      </div>

      {rows > 0 && (
        <div className="grid grid-cols-2">
          {Array.from({ length: rows }, (_, i) => {
            const port = ports[i];
            const output = outputs[i];
            return (
              <div key={i} className="contents">
                <div className={cn("flex min-w-0 items-center gap-1 pl-2.5 pr-1 text-xs", port && !port.declared && "italic opacity-60")} style={{ height: ROW_HEIGHT }} title={port ? `${port.name}: ${port.type}${port.declared ? "" : " (not passed yet)"}` : undefined}>
                  {port && (
                    <>
                      <span className="truncate">
                        {port.name}
                        {port.required && !port.wired && <span className="text-danger">*</span>}
                      </span>
                      <span className={cn("shrink-0 text-[10px]", TYPE_TONE[port.type])}>{port.type}</span>
                    </>
                  )}
                </div>
                <div className="flex min-w-0 items-center justify-end gap-1 pl-1 pr-2.5 text-xs" style={{ height: ROW_HEIGHT }} title={output ? `${output.name}: ${output.type}` : undefined}>
                  {output && (
                    <>
                      <span className={cn("shrink-0 text-[10px]", TYPE_TONE[output.type])}>{output.type}</span>
                      <span className="truncate">{output.name}</span>
                    </>
                  )}
                </div>
              </div>
            );
          })}
        </div>
      )}

      {data.expanded && (
        <ul className="mx-2 mt-1 border-t border-border pt-[3px] text-xs" aria-label={`Steps of group ${step.name}`}>
          {data.children.length === 0 && <li style={{ height: CHILD_ROW_HEIGHT }} className="flex items-center text-fg-muted">No steps yet</li>}
          {data.children.map((child) => {
            const ChildIcon = KIND_INFO[child.kind].icon;
            return (
              <li key={child.name} style={{ height: CHILD_ROW_HEIGHT }}>
                <button
                  type="button"
                  className="nodrag flex h-full w-full items-center gap-1.5 rounded px-1 text-left hover:bg-muted"
                  onClick={(event) => {
                    event.stopPropagation();
                    actions.openGroup(step.name, child.name);
                  }}
                >
                  <ChildIcon size={12} aria-hidden className={KIND_INFO[child.kind].tone} />
                  <span className="truncate">{child.name}</span>
                </button>
              </li>
            );
          })}
          {data.childOverflow > 0 && (
            <li style={{ height: CHILD_ROW_HEIGHT }} className="flex items-center px-1 text-fg-muted">
              …and {data.childOverflow} more
            </li>
          )}
        </ul>
      )}

      {ports.map((port, i) => (
        <Handle
          key={`in-${port.name}`}
          type="target"
          position={Position.Left}
          id={inputHandle(port.name)}
          isConnectable={!readOnly}
          className={handleClass}
          style={handleStyle(rowCenter(i), "var(--accent)")}
          data-testid={`handle-${step.name}-in-${port.name}`}
          aria-label={`${step.name} input ${port.name} (${port.type})`}
        />
      ))}
      {outputs.map((output, i) => (
        <Handle
          key={`out-${output.name}`}
          type="source"
          position={Position.Right}
          id={outputHandle(output.name)}
          isConnectable={!readOnly}
          className={handleClass}
          style={handleStyle(rowCenter(i), "var(--accent)")}
          data-testid={`handle-${step.name}-out-${output.name}`}
          aria-label={`${step.name} output ${output.name} (${output.type})`}
        />
      ))}
    </div>
  );
}

export const StepNode = memo(StepNodeView);
