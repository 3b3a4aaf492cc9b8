import Link from "next/link";
import type { RunSummary } from "@/lib/engine/runs/schema";

type Run = Pick<RunSummary, "workspaceId" | "workflow" | "trigger" | "triggerRef" | "startedBy">;

/**
 * What started a run, and where to see it: the schedule, webhook or event trigger on the workflow's
 * Triggers tab; the person or client as the runs they started. A retried run keeps its trigger but
 * was started by whoever retried it.
 */
export function triggerOf(run: Run): { text: string; href: string } {
  const triggers = `/workspaces/${run.workspaceId}/workflows/${run.workflow.name}/triggers`;
  const byStarter = `/workspaces/${run.workspaceId}/runs?startedBy=${encodeURIComponent(run.startedBy.id)}`;
  const fromTrigger = run.startedBy.kind === "system";
  switch (run.trigger) {
    case "schedule":
    case "webhook":
      return fromTrigger ? { text: `Started by ${run.startedBy.name}`, href: `${triggers}#${run.trigger}-${run.triggerRef}` } : { text: `Started by a ${run.trigger}, retried by ${run.startedBy.name}`, href: triggers };
    case "event":
      return fromTrigger
        ? { text: `Started by ${run.startedBy.name}${run.triggerRef ? ` (delivery ${run.triggerRef})` : ""}`, href: `${triggers}#event-${run.startedBy.id}` }
        : { text: `Started by an event, retried by ${run.startedBy.name}`, href: triggers };
    case "api":
      return { text: `Started through the API by ${run.startedBy.name}`, href: byStarter };
    case "manual":
      return { text: `Started by ${run.startedBy.name}`, href: byStarter };
  }
}

export function TriggerLink({ run }: { run: Run }) {
  const { text, href } = triggerOf(run);
  return (
    <Link href={href} className="text-accent hover:underline" data-testid="run-trigger">
      {text}
    </Link>
  );
}
