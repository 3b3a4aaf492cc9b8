import type { Metadata } from "next";
import Link from "next/link";
import { withPositions } from "@/components/workflow-builder/flow/layout";
import { WorkflowBuilder } from "@/components/workflow-builder/workflow-builder";
import { Badge } from "@/components/ui/card";
import { WorkflowTabs } from "@/components/workflows/workflow-tabs";
import { can } from "@/lib/access/policy";
import { requirePrincipal } from "@/lib/auth/require";
import { loadOr404 } from "@/lib/not-found";
import { getWorkflow, validationContext } from "@/lib/workflows/service";
import { validateWorkflow } from "@/lib/workflows/validate";
import { enterWorkspace } from "@/lib/workspaces/guard";

export async function generateMetadata({ params }: { params: Promise<{ name: string }> }): Promise<Metadata> {
  return { title: (await params).name };
}

/** The builder for the latest version, or read-only for an older one (`?version=n`). */
export default async function WorkflowEditorPage({ params, searchParams }: { params: Promise<{ id: string; name: string }>; searchParams: Promise<{ version?: string }> }) {
  const principal = await requirePrincipal();
  const { id, name } = await params;
  const requested = Number((await searchParams).version) || undefined;
  const ws = await loadOr404(() => enterWorkspace(principal, id, "workflow.read"));
  const workflow = await loadOr404(() => getWorkflow(principal, { workspaceId: id, name, version: requested }));
  const context = await validationContext(ws, name);
  // laid out and checked once here rather than in the browser, where a large workflow opens slower
  const spec = withPositions(workflow.version.spec);
  const isLatest = workflow.version.version === workflow.latestVersion;
  const readOnly = !isLatest || Boolean(ws.archivedAt) || !can(principal, "workflow.write", ws);
  return (
    <div className="flex flex-col gap-3">
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <Link href={`/workspaces/${id}/workflows`} className="text-fg-muted hover:underline">
          Workflows
        </Link>
        <span className="text-fg-muted">/</span>
        <h2 className="font-semibold">{name}</h2>
        <WorkflowTabs workspaceId={id} name={name} />
        <Badge tone={isLatest ? "accent" : "warn"}>
          v{workflow.version.version}
          {isLatest ? " (latest)" : ` of ${workflow.latestVersion}`}
        </Badge>
        {readOnly && <Badge>read-only</Badge>}
        {!isLatest && (
          <Link href={`/workspaces/${id}/workflows/${name}`} className="text-accent hover:underline">
            Open the latest version
          </Link>
        )}
      </div>
      <div className="h-[calc(100vh-18.5rem)] min-h-[460px]">
        {/* keyed by the version the address asks for, so the builder's own save or restore keeps it mounted with its history and open dialogs */}
        <WorkflowBuilder
          key={`${name}@${requested ?? "latest"}`}
          workspaceId={id}
          name={name}
          initialSpecJson={JSON.stringify(spec)}
          initialProblems={validateWorkflow(spec, context)}
          baseVersion={workflow.version.version}
          readOnly={readOnly}
          context={context}
        />
      </div>
    </div>
  );
}
