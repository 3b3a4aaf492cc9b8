import Link from "next/link";
import { notFound } from "next/navigation";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/card";
import { FilterBar, FilterInput, FilterSelect } from "@/components/ui/filter-bar";
import { NextPageLink } from "@/components/ui/next-page-link";
import type { Principal } from "@/lib/auth/principal";
import { RUN_STATES, RUN_TRIGGERS } from "@/db/schema/runs";
import { listRuns } from "@/lib/engine/runs/service";
import { AppError } from "@/lib/errors";
import { runsUrl } from "./api";
import { RunList } from "./run-list";

const FILTERS = ["workflow", "state", "startedBy", "trigger", "since", "until"] as const;
export type RunsSearch = Partial<Record<(typeof FILTERS)[number] | "cursor", string>>;

/** A day of a date field as the start (or the end) of that day in UTC; anything else is left for the service to refuse. */
function dayBound(day: string | undefined, end: boolean): string | undefined {
  if (!day) return undefined;
  return /^\d{4}-\d{2}-\d{2}$/.test(day) ? `${day}T${end ? "23:59:59.999" : "00:00:00.000"}Z` : day;
}

/**
 * The runs list of one workspace or of every workspace the caller may enter: filters in the URL,
 * cursor paging, live rows. Filters the service refuses are shown as such, not as a failed page.
 */
export async function RunsSection({ principal, workspaceId, search, path, workspaces }: { principal: Principal; workspaceId?: string; search: RunsSearch; path: string; workspaces?: Record<string, string> }) {
  const filters = Object.fromEntries(FILTERS.map((name) => [name, search[name] || undefined])) as RunsSearch;
  const query = { ...filters, since: dayBound(filters.since, false), until: dayBound(filters.until, true), cursor: search.cursor || undefined };
  let page: Awaited<ReturnType<typeof listRuns>> | undefined;
  let refused: AppError | undefined;
  try {
    // the service validates the values taken from the URL
    page = await listRuns(principal, { ...query, workspaceId } as Parameters<typeof listRuns>[1]);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    if (error.status === 404) notFound();
    if (error.status !== 400) throw error;
    refused = error;
  }
  const api = new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string] => Boolean(entry[1])));
  const filtered = FILTERS.some((name) => filters[name]);
  return (
    <>
      <FilterBar
        label="Filter runs"
        extra={
          <Button asChild variant="ghost">
            <Link href={path}>Clear</Link>
          </Button>
        }
      >
        <FilterInput name="workflow" label="Workflow" defaultValue={filters.workflow} placeholder="name" className="w-40" />
        <FilterSelect name="state" label="State" defaultValue={filters.state ?? ""} className="w-36" options={[{ value: "", label: "Any state" }, ...RUN_STATES.map((state) => ({ value: state, label: state.replace("_", " ") }))]} />
        <FilterInput name="startedBy" label="Started by" defaultValue={filters.startedBy} placeholder="name or id" className="w-40" />
        <FilterSelect name="trigger" label="Trigger" defaultValue={filters.trigger ?? ""} className="w-32" options={[{ value: "", label: "Any trigger" }, ...RUN_TRIGGERS.map((trigger) => ({ value: trigger, label: trigger }))]} />
        <FilterInput name="since" label="From (UTC)" type="date" defaultValue={filters.since} className="w-40" />
        <FilterInput name="until" label="To (UTC)" type="date" defaultValue={filters.until} className="w-40" />
      </FilterBar>
      {refused ? (
        <div role="alert" className="rounded-lg border border-danger/40 bg-danger/5 p-4 text-sm">
          <p className="font-medium">These filters cannot be used: {refused.message}</p>
          <ul className="mt-1 list-disc pl-5 text-fg-muted">
            {(refused.details.errors ?? []).map((e) => (
              <li key={e.path}>
                {e.path}: {e.message}
              </li>
            ))}
          </ul>
        </div>
      ) : !page || page.items.length === 0 ? (
        <EmptyState title={filtered ? "No run matches these filters" : "No runs yet"}>{filtered ? "Change or clear the filters." : "Open a workflow and press Run to start one."}</EmptyState>
      ) : (
        <RunList key={api.toString()} url={`${runsUrl(workspaceId)}?${api}`} initial={page} workspaces={workspaces} />
      )}
      <NextPageLink path={path} search={filters} cursor={page?.nextCursor ?? null} label="Older runs" />
    </>
  );
}
