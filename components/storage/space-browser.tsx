"use client";

import { Download, File, Folder } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { Card, EmptyState } from "@/components/ui/card";
import { DeleteButton } from "@/components/ui/delete-button";
import { NextPageLink } from "@/components/ui/next-page-link";
import { ActionsTh, Table, Td, Th } from "@/components/ui/table";
import { issueSasAction } from "@/lib/storage/actions";
import type { BlobList, SasKind } from "@/lib/storage/schema";
import { blobUrl } from "./block-upload";
import { formatBytes } from "./labels";

type Target = { organization: string; space: string };

async function sasUrl(target: Target, kind: SasKind) {
  const issued = await issueSasAction({ kind, ...target });
  if (!issued.ok) throw new Error(issued.message);
  return issued.data.url;
}

/** A space's folders and blobs under a prefix; downloads (and deletes) go straight to storage with a SAS. */
export function SpaceBrowser({ target, listing, canDelete }: { target: Target; listing: BlobList; canDelete: boolean }) {
  const router = useRouter();
  const [error, setError] = useState<string>();
  const [pending, startTransition] = useTransition();
  const here = (prefix: string) => `/storage/${target.organization}/${target.space}${prefix ? `?prefix=${encodeURIComponent(prefix)}` : ""}`;
  const crumbs = listing.prefix.split("/").filter(Boolean);
  const act = (work: () => Promise<void>) =>
    startTransition(async () => {
      setError(undefined);
      await work().catch((e: Error) => setError(e.message));
    });
  const download = (name: string) => act(async () => void window.open(blobUrl(await sasUrl(target, "read"), name), "_blank", "noopener"));
  const remove = (name: string) =>
    window.confirm(`Delete ${name}?`) &&
    act(async () => {
      const response = await fetch(blobUrl(await sasUrl(target, "delete"), name), { method: "DELETE" });
      if (!response.ok) throw new Error(`The storage service answered ${response.status}.`);
      router.refresh();
    });

  return (
    <Card>
      <nav aria-label="Breadcrumb" className="flex flex-wrap items-center gap-1 border-b border-border px-4 py-2 text-sm">
        <Link href={here("")} className="font-medium hover:underline">
          {target.space}
        </Link>
        {crumbs.map((crumb, i) => (
          <span key={i} className="flex items-center gap-1">
            <span className="text-fg-muted">/</span>
            <Link href={here(`${crumbs.slice(0, i + 1).join("/")}/`)} className="hover:underline">
              {crumb}
            </Link>
          </span>
        ))}
      </nav>
      {error && (
        <p role="alert" className="m-3 rounded-md bg-danger/10 px-3 py-2 text-sm text-danger">
          {error}
        </p>
      )}
      {listing.folders.length === 0 && listing.blobs.length === 0 ? (
        <div className="p-4">
          <EmptyState title="Nothing here yet" />
        </div>
      ) : (
        <Table aria-label="Blobs">
          <thead>
            <tr>
              <Th>Name</Th>
              <Th className="text-right">Size</Th>
              <Th>Modified</Th>
              <ActionsTh />
            </tr>
          </thead>
          <tbody>
            {listing.folders.map((folder) => (
              <tr key={folder} data-testid="folder-row">
                <Td colSpan={4}>
                  <Link href={here(folder)} className="flex items-center gap-2 hover:underline">
                    <Folder size={14} aria-hidden /> {folder.slice(listing.prefix.length)}
                  </Link>
                </Td>
              </tr>
            ))}
            {listing.blobs.map((blob) => (
              <tr key={blob.name} data-testid="blob-row">
                <Td>
                  <span className="flex items-center gap-2">
                    <File size={14} aria-hidden /> {blob.name.slice(listing.prefix.length)}
                  </span>
                </Td>
                <Td className="text-right tabular-nums">{formatBytes(blob.size)}</Td>
                <Td className="text-xs text-fg-muted">{new Date(blob.lastModified).toLocaleString()}</Td>
                <Td>
                  <div className="flex justify-end gap-1">
                    <Button size="sm" variant="ghost" aria-label={`Download ${blob.name}`} disabled={pending} onClick={() => download(blob.name)}>
                      <Download size={14} aria-hidden />
                    </Button>
                    {canDelete && (
                      <DeleteButton label={`Delete ${blob.name}`} disabled={pending} onDelete={() => remove(blob.name)} />
                    )}
                  </div>
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      <div className="px-4 pb-3">
        <NextPageLink path={`/storage/${target.organization}/${target.space}`} search={{ prefix: listing.prefix || undefined }} cursor={listing.nextCursor} />
      </div>
    </Card>
  );
}
