"use client";

import { useQueryClient } from "@tanstack/react-query";
import { Download, Play, RotateCcw, Square } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { cancelRunAction, retryRunAction } from "@/lib/engine/runs/actions";
import type { RunDetail } from "@/lib/engine/runs/schema";
import { cn } from "@/lib/utils";
import { isActive, logsUrl, runPage } from "./api";
import { elapsed, formatTime } from "./format";
import { CancelDialog, RetryDialog } from "./run-dialogs";
import { StateBadge } from "./state-style";
import { TriggerLink } from "./trigger-link";

/** What a run is and where it came from, with Cancel, Retry and the whole log's download. */
export function RunHeader({ run, mayCancel, mayRetry, pollError }: { run: RunDetail; mayCancel: boolean; mayRetry: boolean; pollError?: string }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const [dialog, setDialog] = useState<"cancel" | "retry">();
  const active = isActive(run);
  const ref = { workspaceId: run.workspaceId, runId: run.id };
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-start gap-3">
        <div className="min-w-0 flex-1 space-y-1">
          <h2 className="flex flex-wrap items-center gap-2 text-lg font-semibold">
            <Play size={18} aria-hidden className="text-fg-muted" />
            Run <code className="text-base">{run.id.slice(0, 8)}</code>
            <span data-testid="run-state">
              <StateBadge state={run.state} />
            </span>
          </h2>
          <p className="text-sm text-fg-muted">
            Workflow{" "}
            <Link href={`/workspaces/${run.workspaceId}/workflows/${run.workflow.name}?version=${run.workflow.version}`} className="text-accent hover:underline">
              {run.workflow.name} v{run.workflow.version}
            </Link>{" "}
            · <TriggerLink run={run} /> · created <time dateTime={run.createdAt}>{formatTime(run.createdAt)}</time>
            {run.finishedAt && ` · took ${elapsed(run.startedAt ?? run.createdAt, run.finishedAt)}`}
          </p>
          {(run.parentRunId || run.retryOf) && (
            <p className="flex flex-wrap gap-3 text-sm">
              {run.parentRunId && (
                <Link href={runPage({ workspaceId: run.workspaceId, id: run.parentRunId })} className="text-accent hover:underline" data-testid="parent-run">
                  Parent run {run.parentRunId.slice(0, 8)}
                </Link>
              )}
              {run.retryOf && (
                <Link href={runPage({ workspaceId: run.workspaceId, id: run.retryOf })} className="text-accent hover:underline" data-testid="retried-run">
                  Retry of run {run.retryOf.slice(0, 8)}
                </Link>
              )}
            </p>
          )}
        </div>
        <div className="flex flex-wrap gap-2">
          {mayCancel && active && (
            <Button variant="danger" onClick={() => setDialog("cancel")}>
              <Square size={14} aria-hidden /> Cancel
            </Button>
          )}
          {mayRetry && !active && !run.parentRunId && (
            <Button variant="secondary" onClick={() => setDialog("retry")}>
              <RotateCcw size={14} aria-hidden /> Retry
            </Button>
          )}
          <Button asChild variant="secondary">
            <a href={logsUrl(run.workspaceId, run.id, { download: true })} download>
              <Download size={14} aria-hidden /> Download log
            </a>
          </Button>
        </div>
      </div>
      {run.error && (
        <p className={cn("rounded-md border px-3 py-2 text-sm", run.state === "cancelled" ? "border-warn/30 bg-warn/5 text-warn" : "border-danger/30 bg-danger/5 text-danger")} data-testid="run-error">
          {run.error}
        </p>
      )}
      {pollError && (
        <p role="status" className="text-xs text-danger">
          Live updates paused: {pollError}
        </p>
      )}
      <CancelDialog
        open={dialog === "cancel"}
        onOpenChange={(open) => setDialog(open ? "cancel" : undefined)}
        count={1}
        onCancel={async () => {
          const outcome = await cancelRunAction(ref);
          await queryClient.invalidateQueries({ queryKey: ["run", run.id] });
          return outcome;
        }}
      />
      <RetryDialog
        open={dialog === "retry"}
        onOpenChange={(open) => setDialog(open ? "retry" : undefined)}
        title="Retry this run"
        version={run.workflow.version}
        failedAllowed={run.state !== "succeeded"}
        onRetry={async (options) => {
          const outcome = await retryRunAction({ ...ref, ...options });
          if (outcome.ok) router.push(runPage(outcome.data));
          return outcome;
        }}
      />
    </div>
  );
}
