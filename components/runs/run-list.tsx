"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useMemo, useState } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import { getJson } from "@/components/workflow-builder/panels/api";
import type { ActionResult } from "@/lib/actions/action";
import { bulkCancelRunsAction, bulkRetryRunsAction } from "@/lib/engine/runs/actions";
import type { RunSummary } from "@/lib/engine/runs/schema";
import { isActive, LIVE_INTERVAL_MS, runPage } from "./api";
import { elapsed, formatTime } from "./format";
import { CancelDialog, RetryDialog } from "./run-dialogs";
import { StateBadge } from "./state-style";

type Page = { items: RunSummary[]; nextCursor: string | null };
type BulkOutcome = { results: { runId: string; ok: boolean; error?: string; newRunId?: string }[] };

const TRIGGER_LABEL: Record<RunSummary["trigger"], string> = { manual: "manual", api: "API", schedule: "schedule", webhook: "webhook", event: "event" };

/**
 * One page of runs that stays live: polled while any of them is active. Runs can be selected and
 * cancelled or retried together; each run answers on its own.
 */
export function RunList({ url, initial, workspaces }: { url: string; initial: Page; workspaces?: Record<string, string> }) {
  const queryClient = useQueryClient();
  const { data, error } = useQuery({
    queryKey: ["runs", url],
    queryFn: () => getJson<Page>(url),
    initialData: initial,
    refetchInterval: (query) => (query.state.data?.items.some(isActive) ? LIVE_INTERVAL_MS : false),
  });
  const [selected, setSelected] = useState<ReadonlySet<string>>(() => new Set());
  const [dialog, setDialog] = useState<"cancel" | "retry">();
  const [report, setReport] = useState<string[]>();
  const chosen = useMemo(() => data.items.filter((run) => selected.has(run.id)), [data.items, selected]);
  const all = data.items.length > 0 && chosen.length === data.items.length;

  const toggle = (id: string) =>
    setSelected((previous) => {
      const next = new Set(previous);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  async function bulk(action: () => Promise<ActionResult<BulkOutcome>>, verb: string): Promise<ActionResult<unknown>> {
    const outcome = await action();
    if (outcome.ok) {
      const failed = outcome.data.results.filter((r) => !r.ok);
      const done = outcome.data.results.length - failed.length;
      setReport([`${verb} ${done} run${done === 1 ? "" : "s"}.`, ...failed.map((r) => `Run ${r.runId.slice(0, 8)}: ${r.error}`)]);
      setSelected(new Set());
      await queryClient.invalidateQueries({ queryKey: ["runs"] });
    }
    return outcome;
  }
  const refs = chosen.map((run) => ({ workspaceId: run.workspaceId, runId: run.id }));

  return (
    <div className="space-y-3">
      <div role="toolbar" aria-label="Selected runs" className="flex min-h-9 flex-wrap items-center gap-2 text-sm">
        <span className="text-fg-muted" aria-live="polite">
          {chosen.length === 0 ? "Select runs to cancel or retry them together." : `${chosen.length} selected`}
        </span>
        {chosen.length > 0 && (
          <>
            <Button size="sm" variant="secondary" onClick={() => setDialog("cancel")} disabled={!chosen.some(isActive)} data-testid="bulk-cancel">
              Cancel
            </Button>
            <Button size="sm" variant="secondary" onClick={() => setDialog("retry")} disabled={chosen.some(isActive)} title={chosen.some(isActive) ? "Only runs that ended can be retried" : undefined} data-testid="bulk-retry">
              Retry
            </Button>
            <Button size="sm" variant="ghost" onClick={() => setSelected(new Set())}>
              Clear selection
            </Button>
          </>
        )}
        {error && (
          <span role="status" className="ml-auto text-xs text-danger">
            Live updates paused: {error.message}
          </span>
        )}
      </div>
      {report && (
        <div role="status" data-testid="bulk-report" className="flex items-start gap-2 rounded-md border border-border bg-surface px-3 py-2 text-sm">
          <ul className="min-w-0 flex-1 space-y-0.5">
            {report.map((line, i) => (
              <li key={i} className={i > 0 ? "text-danger" : undefined}>
                {line}
              </li>
            ))}
          </ul>
          <Button size="sm" variant="ghost" onClick={() => setReport(undefined)}>
            Dismiss
          </Button>
        </div>
      )}
      <Card>
        <Table aria-label="Runs">
          <thead>
            <tr>
              <Th className="w-8">
                <input type="checkbox" aria-label="Select every run on this page" checked={all} ref={(box) => void (box && (box.indeterminate = chosen.length > 0 && !all))} onChange={() => setSelected(all ? new Set() : new Set(data.items.map((run) => run.id)))} />
              </Th>
              <Th>Run</Th>
              <Th>Workflow</Th>
              {workspaces && <Th>Workspace</Th>}
              <Th>State</Th>
              <Th>Trigger</Th>
              <Th>Started by</Th>
              <Th>Created</Th>
              <Th>Duration</Th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((run) => (
              <tr key={run.id} data-testid="run-row" data-run={run.id} data-state={run.state}>
                <Td>
                  <input type="checkbox" aria-label={`Select run ${run.id.slice(0, 8)} of ${run.workflow.name}`} checked={selected.has(run.id)} onChange={() => toggle(run.id)} />
                </Td>
                <Td>
                  <Link href={runPage(run)} className="font-mono text-xs font-medium text-accent hover:underline">
                    {run.id.slice(0, 8)}
                  </Link>
                  {run.retryOf && <div className="text-xs text-fg-muted">retry of {run.retryOf.slice(0, 8)}</div>}
                </Td>
                <Td>
                  {run.workflow.name} <span className="text-fg-muted">v{run.workflow.version}</span>
                </Td>
                {workspaces && <Td className="text-xs">{workspaces[run.workspaceId] ?? run.workspaceId.slice(0, 8)}</Td>}
                <Td>
                  <StateBadge state={run.state} />
                </Td>
                <Td className="text-xs">{TRIGGER_LABEL[run.trigger]}</Td>
                <Td className="text-xs">{run.startedBy.name}</Td>
                <Td className="whitespace-nowrap text-xs">
                  <time dateTime={run.createdAt}>{formatTime(run.createdAt)}</time>
                </Td>
                <Td className="whitespace-nowrap text-xs">{elapsed(run.startedAt, run.finishedAt)}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      </Card>
      <CancelDialog open={dialog === "cancel"} onOpenChange={(open) => setDialog(open ? "cancel" : undefined)} count={chosen.filter(isActive).length} onCancel={() => bulk(() => bulkCancelRunsAction({ runs: refs.filter((_, i) => isActive(chosen[i])) }), "Cancelled")} />
      <RetryDialog
        open={dialog === "retry"}
        onOpenChange={(open) => setDialog(open ? "retry" : undefined)}
        title={`Retry ${chosen.length} run${chosen.length === 1 ? "" : "s"}`}
        failedAllowed={chosen.some((run) => run.state !== "succeeded")}
        onRetry={(options) => bulk(() => bulkRetryRunsAction({ runs: refs, ...options }), "Retried")}
      />
    </div>
  );
}
