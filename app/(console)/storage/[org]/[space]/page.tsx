import Link from "next/link";
import { BindingsPanel } from "@/components/storage/bindings-panel";
import { CommitsList } from "@/components/storage/commits-list";
import { ConfidentialityBadge } from "@/components/storage/labels";
import { SpaceActions } from "@/components/storage/space-actions";
import { SpaceBrowser } from "@/components/storage/space-browser";
import { Uploader } from "@/components/storage/uploader";
import { PageHeader } from "@/components/ui/card";
import { CONFIDENTIALITIES } from "@/db/schema";
import { requirePrincipal } from "@/lib/auth/require";
import { loadOr404 } from "@/lib/not-found";
import { bindingsView } from "@/lib/storage/bindings";
import { listCommits } from "@/lib/storage/commit";
import { getSpace, listBlobs } from "@/lib/storage/spaces";
import { listWorkspaces } from "@/lib/workspaces/service";

type Search = { prefix?: string; cursor?: string };

export default async function SpacePage({ params, searchParams }: { params: Promise<{ org: string; space: string }>; searchParams: Promise<Search> }) {
  const principal = await requirePrincipal();
  const { org, space: name } = await params;
  const { prefix, cursor } = await searchParams;
  const space = await loadOr404(() => getSpace(principal, { org, space: name }));
  const may = (action: (typeof space.actions)[number]) => space.actions.includes(action);
  const target = { organization: space.organization, space: space.name };
  const [listing, commits, bound, workspaces] = await Promise.all([
    may("space.read") ? listBlobs(principal, { org, space: name, prefix, cursor }) : undefined,
    may("space.read") ? listCommits(principal, target) : [],
    bindingsView(principal, { org, space: name }),
    may("space.manage") ? listWorkspaces(principal, { limit: 100 }).then((list) => list.items.map((ws) => ({ id: ws.id, name: ws.name }))) : [],
  ]);
  const defaultFolder = `upload-${new Date().toISOString().slice(0, 19).replace(/\D/g, "")}`;
  return (
    <>
      <PageHeader
        title={
          <span className="flex flex-wrap items-center gap-2">
            <Link href="/storage" className="text-fg-muted hover:underline">
              Storage
            </Link>
            <span className="text-fg-muted">/</span>
            <Link href={`/storage/${space.organization}`} className="text-fg-muted hover:underline">
              {space.organization}
            </Link>
            <span className="text-fg-muted">/</span> {space.name} {space.loadingZone ? <span className="text-sm font-normal text-fg-muted">loading zone</span> : <ConfidentialityBadge value={space.confidentiality} />}
          </span>
        }
        description={space.description || undefined}
        actions={may("space.manage") && <SpaceActions space={space} workspaces={workspaces} confidentialities={CONFIDENTIALITIES} />}
      />
      <div className="grid gap-6 xl:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <div className="space-y-6">
          {listing ? <SpaceBrowser target={target} listing={listing} canDelete={may("space.delete_blobs")} /> : <p className="text-sm text-fg-muted">You manage this space but may not read its data.</p>}
          {may("space.read") && <CommitsList commits={commits} />}
        </div>
        <div className="space-y-6">
          {may("space.upload") && <Uploader organization={space.organization} space={space.name} canUploadMain={may("space.upload_main") && !space.loadingZone} defaultFolder={defaultFolder} />}
          {!space.loadingZone && <BindingsPanel target={{ org: space.organization, space: space.name }} workspaceId={space.workspaceId} {...bound} />}
        </div>
      </div>
    </>
  );
}
