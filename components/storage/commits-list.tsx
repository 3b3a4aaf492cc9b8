import Link from "next/link";
import { Card, CardHeader } from "@/components/ui/card";
import type { CommitStarts } from "@/lib/storage/commit";

/** A space's recent commits: the folder, its files, and what each started. */
export function CommitsList({ commits }: { commits: CommitStarts[] }) {
  return (
    <Card>
      <CardHeader title="Recent commits" />
      {commits.length === 0 ? (
        <p className="p-4 text-sm text-fg-muted">No commit yet.</p>
      ) : (
        <ul className="divide-y divide-border text-sm">
          {commits.map((commit) => (
            <li key={commit.id} data-testid="commit" className="space-y-1 px-4 py-3">
              <div className="flex flex-wrap items-baseline gap-2">
                <span className="font-medium">{commit.rootDir}</span>
                <span className="text-xs text-fg-muted">
                  {commit.files.length} file{commit.files.length === 1 ? "" : "s"} · {commit.createdBy} · {new Date(commit.createdAt).toLocaleString()}
                </span>
              </div>
              <details className="text-xs">
                <summary className="cursor-pointer text-fg-muted">Files</summary>
                <ul className="mt-1 space-y-0.5 font-mono">
                  {commit.files.map((file) => (
                    <li key={file.name}>{file.name}</li>
                  ))}
                </ul>
              </details>
              {commit.starts.map((start, i) =>
                start.runId && start.workspaceId ? (
                  <Link key={i} data-testid="commit-run" href={`/workspaces/${start.workspaceId}/runs/${start.runId}`} className="block text-xs text-accent hover:underline">
                    started {start.workflow}
                  </Link>
                ) : (
                  <p key={i} className="text-xs text-danger">
                    no run started: {start.error}
                  </p>
                ),
              )}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
