import type { Metadata } from "next";
import Link from "next/link";
import { EventTriggersSection } from "@/components/triggers/event-triggers-section";
import { SchedulesSection } from "@/components/triggers/schedules-section";
import { WebhooksSection } from "@/components/triggers/webhooks-section";
import { WorkflowTabs } from "@/components/workflows/workflow-tabs";
import { can } from "@/lib/access/policy";
import { requirePrincipal } from "@/lib/auth/require";
import { listEventTriggers } from "@/lib/engine/triggers/events";
import { listSchedules } from "@/lib/engine/triggers/schedules";
import { listWebhooks } from "@/lib/engine/triggers/webhooks";
import { loadOr404 } from "@/lib/not-found";
import { getWorkflow } from "@/lib/workflows/service";
import { enterWorkspace } from "@/lib/workspaces/guard";

export async function generateMetadata({ params }: { params: Promise<{ name: string }> }): Promise<Metadata> {
  return { title: `Triggers of ${(await params).name}` };
}

/** What starts the workflow besides people: schedules, webhooks and event triggers. */
export default async function WorkflowTriggersPage({ params }: { params: Promise<{ id: string; name: string }> }) {
  const principal = await requirePrincipal();
  const { id, name } = await params;
  const ws = await loadOr404(() => enterWorkspace(principal, id, "run.read"));
  const ref = { workspaceId: id, workflow: name };
  const workflow = await loadOr404(() => getWorkflow(principal, { workspaceId: id, name }));
  const [schedules, webhooks, triggers] = await loadOr404(() => Promise.all([listSchedules(principal, ref), listWebhooks(principal, ref), listEventTriggers(principal, ref)]));
  const common = { workspaceId: id, workflow: name, inputs: workflow.version.spec.inputs, mayManage: can(principal, "trigger.manage", ws) && !ws.archivedAt };
  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <Link href={`/workspaces/${id}/workflows`} className="text-fg-muted hover:underline">
          Workflows
        </Link>
        <span className="text-fg-muted">/</span>
        <h2 className="font-semibold">{name}</h2>
        <WorkflowTabs workspaceId={id} name={name} />
      </div>
      <SchedulesSection {...common} schedules={schedules.items} />
      <WebhooksSection {...common} webhooks={webhooks.items} />
      <EventTriggersSection {...common} triggers={triggers.items} />
    </div>
  );
}
