"use client";

import { useEffect, useState } from "react";
import type { RunDetail, RunStep } from "@/lib/engine/runs/schema";
import { cn } from "@/lib/utils";
import { elapsed, formatDuration } from "./format";
import { isKept } from "./run-status";
import { STATE_STYLE } from "./state-style";

/** Bars drawn; a run with more steps lists the first ones by start. */
const MAX_ROWS = 300;

/** The time now, ticking every second while `live`; undefined until mounted (the server has no "now"). */
export function useNow(live: boolean): number | undefined {
  const [now, setNow] = useState<number>();
  useEffect(() => {
    setNow(Date.now());
    if (!live) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [live]);
  return now;
}

/**
 * A Gantt chart of the steps that ran: one bar per step row from its start to its end (or now),
 * on the run's time axis. Choosing a row shows that step.
 */
export function Timeline({ run, now, onPick }: { run: RunDetail; now?: number; onPick: (step: RunStep) => void }) {
  const ran = run.steps.filter((step) => step.startedAt && !isKept(step)).sort((a, b) => Date.parse(a.startedAt!) - Date.parse(b.startedAt!) || a.id - b.id);
  if (ran.length === 0) return <p className="px-4 py-3 text-sm text-fg-muted">No step has started yet.</p>;
  const rows = ran.slice(0, MAX_ROWS);
  const times = ran.flatMap((step) => [Date.parse(step.startedAt!), ...(step.finishedAt ? [Date.parse(step.finishedAt)] : [])]);
  const start = Math.min(...times, run.startedAt ? Date.parse(run.startedAt) : Infinity);
  const end = Math.max(...times, run.finishedAt ? Date.parse(run.finishedAt) : (now ?? -Infinity));
  const span = Math.max(end - start, 1);
  const at = (time: number) => `${(((time - start) / span) * 100).toFixed(3)}%`;
  return (
    <div className="px-4 py-3">
      <div className="mb-1 flex justify-between pl-[12rem] pr-[5rem] text-[10px] text-fg-muted" aria-hidden>
        <span>0 s</span>
        <span>{formatDuration(span)}</span>
      </div>
      <ol aria-label="Steps by start time" className="space-y-0.5" data-testid="timeline">
        {rows.map((step) => {
          const from = Date.parse(step.startedAt!);
          const to = step.finishedAt ? Date.parse(step.finishedAt) : (now ?? from);
          const depth = step.key.split("/").length - 1;
          const style = STATE_STYLE[step.state];
          return (
            <li key={step.id}>
              <button
                type="button"
                onClick={() => onPick(step)}
                className="grid w-full grid-cols-[12rem_minmax(0,1fr)_5rem] items-center gap-2 rounded px-1 text-left text-xs hover:bg-muted"
                aria-label={`${step.key}: ${style.label}, started ${formatDuration(from - start)} into the run, took ${elapsed(step.startedAt, step.finishedAt, now)}`}
              >
                <span className="truncate font-mono" style={{ paddingLeft: `${depth * 0.75}rem` }} title={step.key}>
                  {step.key}
                </span>
                <span className="relative h-3 rounded bg-muted" aria-hidden>
                  <span className={cn("absolute inset-y-0 min-w-[3px] rounded", style.bar, step.state === "running" && "animate-pulse")} style={{ left: at(from), width: `calc(${at(to)} - ${at(from)})` }} />
                </span>
                <span className="text-right tabular-nums text-fg-muted">{elapsed(step.startedAt, step.finishedAt, now)}</span>
              </button>
            </li>
          );
        })}
      </ol>
      {ran.length > rows.length && <p className="mt-2 text-xs text-fg-muted">…and {ran.length - rows.length} more steps; the graph and the log have all of them.</p>}
    </div>
  );
}
