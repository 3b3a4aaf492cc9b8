"use client";

import { useQuery } from "@tanstack/react-query";
import { ExternalLink, RotateCcw, X } from "lucide-react";
import { useMemo, useState } from "react";
import { Button } from "@/components/ui/button";
import { Badge } from "@/components/ui/card";
import { diffSpecs } from "@/lib/workflows/diff";
import { cn } from "@/lib/utils";
import { useBuilderEnv } from "../state/hooks";
import { useBuilder, type BuilderState } from "../state/store";
import { formatTime } from "../toolbar/use-save";
import { fetchVersion, fetchVersions } from "./api";
import { DiffView } from "./diff-view";

const selectSpec = (state: BuilderState) => state.spec;
const selectBase = (state: BuilderState) => state.baseVersion;

/** Versions of the workflow; one can be compared with the editor's current spec or restored as a new version. */
export function HistoryPanel({ onClose, onRestore, dirty }: { onClose: () => void; onRestore: (version: number) => void; dirty: boolean }) {
  const { workspaceId, name, readOnly } = useBuilderEnv();
  const baseVersion = useBuilder(selectBase);
  const spec = useBuilder(selectSpec);
  const [selected, setSelected] = useState<number>();
  const versions = useQuery({ queryKey: ["workflow-versions", workspaceId, name, baseVersion], queryFn: () => fetchVersions(workspaceId, name), enabled: baseVersion > 0 });
  const detail = useQuery({ queryKey: ["workflow-version", workspaceId, name, selected], queryFn: () => fetchVersion(workspaceId, name, selected as number), enabled: selected !== undefined, staleTime: Infinity });
  const diff = useMemo(() => (detail.data ? diffSpecs(detail.data.spec, spec) : undefined), [detail.data, spec]);

  return (
    <aside data-testid="history-panel" aria-label="Version history" className="flex w-[24rem] shrink-0 flex-col overflow-hidden border-l border-border bg-surface">
      <div className="flex items-center justify-between border-b border-border px-3 py-2">
        <h3 className="text-sm font-semibold">Version history</h3>
        <Button variant="ghost" size="icon" aria-label="Close version history" onClick={onClose}>
          <X size={16} aria-hidden />
        </Button>
      </div>
      <div className="min-h-0 flex-1 overflow-y-auto">
        {baseVersion === 0 && <p className="p-3 text-sm text-fg-muted">Not saved yet.</p>}
        {versions.isPending && baseVersion > 0 && <p className="p-3 text-sm text-fg-muted">Loading versions…</p>}
        {versions.error && (
          <p role="alert" className="p-3 text-sm text-danger">
            {versions.error.message}
          </p>
        )}
        <ul className="divide-y divide-border">
          {versions.data?.items.map((item) => (
            <li key={item.version} data-testid="version-item" className={cn("px-3 py-2", selected === item.version && "bg-muted")}>
              <div className="flex items-center gap-2">
                <span className="font-semibold">v{item.version}</span>
                {item.version === baseVersion && <Badge tone="accent">editing</Badge>}
                <span className="ml-auto text-xs text-fg-muted">{formatTime(item.createdAt)}</span>
              </div>
              <p className="text-sm">{item.message || <span className="text-fg-muted">No message</span>}</p>
              <p className="text-xs text-fg-muted">by {item.author.name}</p>
              <div className="mt-1 flex flex-wrap gap-1">
                <Button variant="secondary" size="sm" aria-pressed={selected === item.version} onClick={() => setSelected(selected === item.version ? undefined : item.version)} data-testid="version-compare">
                  {selected === item.version ? "Hide changes" : "Compare with current"}
                </Button>
                <Button asChild variant="ghost" size="sm">
                  <a href={`/workspaces/${encodeURIComponent(workspaceId)}/workflows/${encodeURIComponent(name)}?version=${item.version}`} target="_blank" rel="noopener noreferrer">
                    <ExternalLink size={13} aria-hidden /> Open
                  </a>
                </Button>
                {!readOnly && item.version !== baseVersion && (
                  <Button
                    variant="ghost"
                    size="sm"
                    data-testid="version-restore"
                    onClick={() => {
                      if (dirty && !window.confirm(`Restoring version ${item.version} discards your unsaved changes. Continue?`)) return;
                      onRestore(item.version);
                    }}
                  >
                    <RotateCcw size={13} aria-hidden /> Restore as new version
                  </Button>
                )}
              </div>
              {selected === item.version && (
                <div className="mt-2 rounded-md border border-border bg-bg p-2">
                  {detail.isPending && <p className="text-sm text-fg-muted">Loading…</p>}
                  {detail.error && (
                    <p role="alert" className="text-sm text-danger">
                      {detail.error.message}
                    </p>
                  )}
                  {diff && <DiffView diff={diff} fromLabel={`v${item.version}`} toLabel={dirty ? "your current (unsaved) editor" : `the current editor (v${baseVersion})`} />}
                </div>
              )}
            </li>
          ))}
        </ul>
      </div>
    </aside>
  );
}
