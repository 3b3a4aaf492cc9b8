"use client";

import { X } from "lucide-react";
import Link from "next/link";
import { Button } from "@/components/ui/button";
import type { RunDetail, RunStep } from "@/lib/engine/runs/schema";
import { cn } from "@/lib/utils";
import { elapsed, formatTime } from "./format";
import { LogViewer } from "./log-viewer";
import { Section } from "./section";
import { combinedState, isKept, rowsAt } from "./run-status";
import { StateBadge } from "./state-style";
import { ValuesList, ValueView } from "./value-view";

/**
 * The selected step of a run: its instances or map items to choose from when it has several, and
 * the chosen one's timing, attempts, inputs (secrets as their names), outputs and live log.
 */
export function StepPanel({ run, level, name, rowId, onPickRow, onOpenLevel, onClose, now }: { run: RunDetail; level: string[]; name: string; rowId?: number; onPickRow: (id: number) => void; onOpenLevel: (level: string[]) => void; onClose: () => void; now?: number }) {
  const { instances, items } = rowsAt(run.steps, level).get(name) ?? { instances: [], items: [] };
  const choices = items.length > 0 ? items : instances;
  const chosen = choices.find((row) => row.id === rowId) ?? (choices.length === 1 ? choices[0] : undefined);
  const parent = items.length > 0 && instances.length === 1 ? instances[0] : undefined;
  return (
    <div data-testid="step-panel" data-step={name}>
      <div className="flex items-center gap-2 border-b border-border px-3 py-2">
        <div className="min-w-0 flex-1">
          <h3 className="truncate text-sm font-semibold">{[...level, name].join(" / ")}</h3>
          <p className="text-xs text-fg-muted">{instances[0]?.kind ?? "step"}</p>
        </div>
        {instances.length > 0 && <StateBadge state={combinedState(instances.map((row) => row.state))} />}
        <Button variant="ghost" size="icon" aria-label="Close the step" onClick={onClose}>
          <X size={16} aria-hidden />
        </Button>
      </div>
      {instances.length === 0 && <p className="px-3 py-3 text-sm text-fg-muted">This step has not started: its group has not run yet.</p>}
      {parent && (
        <Section title="Collected outputs">
          <ValuesList values={parent.outputs} empty={parent.state === "running" ? "Collected when every item has finished." : "None."} label="Collected outputs" />
        </Section>
      )}
      {choices.length > 1 && (
        <Section title={items.length > 0 ? `Items (${items.length})` : `Instances (${instances.length})`}>
          <ul className="max-h-48 space-y-0.5 overflow-y-auto" aria-label="Choose one">
            {choices.map((row) => (
              <li key={row.id}>
                <button
                  type="button"
                  aria-pressed={row.id === chosen?.id}
                  onClick={() => onPickRow(row.id)}
                  className={cn("flex w-full items-center gap-2 rounded px-1.5 py-0.5 text-left text-xs hover:bg-muted", row.id === chosen?.id && "bg-accent/10")}
                >
                  <span className="min-w-0 flex-1 truncate font-mono">
                    {row.key}
                    {row.mapIndex !== null && row.item !== null && <span className="text-fg-muted"> {JSON.stringify(row.item).slice(0, 60)}</span>}
                  </span>
                  <StateBadge state={row.state} />
                </button>
              </li>
            ))}
          </ul>
          {!chosen && <p className="text-xs text-fg-muted">Choose one to see its details and log.</p>}
        </Section>
      )}
      {chosen && <RowDetails key={chosen.id} run={run} row={chosen} showKey={choices.length > 1} onOpenLevel={chosen.kind === "group" ? () => onOpenLevel([...level, name]) : undefined} now={now} />}
    </div>
  );
}

function RowDetails({ run, row, showKey, onOpenLevel, now }: { run: RunDetail; row: RunStep; showKey: boolean; onOpenLevel?: () => void; now?: number }) {
  const kept = isKept(row);
  return (
    <>
      {showKey && (
        <div className="flex items-center gap-2 border-b border-border bg-muted/50 px-3 py-1.5 text-xs">
          <span className="min-w-0 flex-1 truncate font-mono">{row.key}</span>
          <StateBadge state={row.state} />
        </div>
      )}
      <Section title="Timing">
        <dl className="grid grid-cols-[5rem_minmax(0,1fr)] gap-x-2 gap-y-0.5 text-xs">
          <dt className="text-fg-muted">Started</dt>
          <dd>{formatTime(row.startedAt)}</dd>
          <dt className="text-fg-muted">Finished</dt>
          <dd>{formatTime(row.finishedAt)}</dd>
          <dt className="text-fg-muted">Took</dt>
          <dd>{elapsed(row.startedAt, row.finishedAt, now)}</dd>
          {row.exitCode !== null && (
            <>
              <dt className="text-fg-muted">Exit code</dt>
              <dd className="font-mono">{row.exitCode}</dd>
            </>
          )}
        </dl>
        {kept && <p className="text-xs text-fg-muted">Kept from the run this one retries, with its outputs; it did not run again.</p>}
        {row.error && <p className="rounded bg-danger/10 px-2 py-1 text-xs text-danger">{row.error}</p>}
        {row.childRunId && (
          <Link href={`/workspaces/${run.workspaceId}/runs/${row.childRunId}`} className="text-xs text-accent hover:underline">
            Open its sub-workflow run
          </Link>
        )}
        {onOpenLevel && (
          <Button size="sm" variant="secondary" onClick={onOpenLevel}>
            Open the group
          </Button>
        )}
      </Section>
      {row.mapIndex !== null && (
        <Section title="Item">
          <ValueView value={row.item} />
        </Section>
      )}
      <Section title="Inputs">
        <ValuesList values={row.inputs} empty={row.state === "pending" || row.state === "queued" ? "Known when it starts." : "None."} label="Step inputs" />
      </Section>
      <Section title="Outputs">
        <ValuesList values={row.outputs} empty="None." label="Step outputs" />
      </Section>
      {row.attempts.length > 0 && (
        <Section title={`Attempts (${row.attempts.length})`}>
          <table className="w-full text-left text-xs" aria-label="Attempts">
            <thead className="text-fg-muted">
              <tr>
                <th className="font-normal">#</th>
                <th className="font-normal">State</th>
                <th className="font-normal">Exit</th>
                <th className="font-normal">Took</th>
              </tr>
            </thead>
            <tbody>
              {row.attempts.map((attempt) => (
                <tr key={attempt.attempt} title={attempt.error ?? undefined}>
                  <td>{attempt.attempt}</td>
                  <td>
                    <StateBadge state={attempt.state} />
                  </td>
                  <td className="font-mono">{attempt.exitCode ?? "—"}</td>
                  <td>{elapsed(attempt.startedAt, attempt.finishedAt, now)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
      )}
      {!kept && (
        <Section title="Log">
          <LogViewer workspaceId={run.workspaceId} runId={run.id} stepId={row.id} />
        </Section>
      )}
    </>
  );
}
