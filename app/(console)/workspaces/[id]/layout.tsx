import Link from "next/link";
import type { ReactNode } from "react";
import { AccessBadge } from "@/components/workspaces/access-badge";
import { WorkspaceTabs } from "@/components/workspaces/workspace-tabs";
import { Badge } from "@/components/ui/card";
import { requirePrincipal } from "@/lib/auth/require";
import { getWorkspace } from "@/lib/workspaces/service";
import { loadOr404 } from "@/lib/not-found";

export default async function WorkspaceLayout({ children, params }: { children: ReactNode; params: Promise<{ id: string }> }) {
  const principal = await requirePrincipal();
  const { id } = await params;
  const ws = await loadOr404(() => getWorkspace(principal, { id }));
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-fg-muted">
        <Link href="/workspaces" className="hover:underline">
          Workspaces
        </Link>{" "}
        / <span className="text-fg">{ws.name}</span>
      </nav>
      <div className="mb-4 flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold tracking-tight">{ws.name}</h1>
        <AccessBadge access={ws.access} />
        {ws.archived && <Badge tone="warn">archived</Badge>}
        {ws.hidden && <Badge>hidden</Badge>}
      </div>
      {ws.access === "none" ? (
        <div className="rounded-lg border border-border bg-surface p-6">
          <p className="text-fg-muted">{ws.description || "No description."}</p>
          <p className="mt-3 text-sm">You do not have access to this workspace. Ask one of its admins to add you, or to add a rule that matches your roles.</p>
        </div>
      ) : (
        <>
          <WorkspaceTabs id={ws.id} />
          {children}
        </>
      )}
    </>
  );
}
