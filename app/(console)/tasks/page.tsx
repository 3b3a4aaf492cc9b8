import type { Metadata } from "next";
import { TaskTable } from "@/components/tasks/task-table";
import { Card, EmptyState, PageHeader } from "@/components/ui/card";
import { FilterBar, FilterSelect } from "@/components/ui/filter-bar";
import { NextPageLink } from "@/components/ui/next-page-link";
import { TASK_STATES } from "@/db/schema";
import { requirePrincipal } from "@/lib/auth/require";
import { listTasks } from "@/lib/tasks/service";

export const metadata: Metadata = { title: "Tasks" };

type Search = { state?: string; cursor?: string };

/** Background tasks (everything that talks to a cloud API), newest first, with a retry for failed ones. */
export default async function TasksPage({ searchParams }: { searchParams: Promise<Search> }) {
  const principal = await requirePrincipal();
  const search = await searchParams;
  const state = (TASK_STATES as readonly string[]).includes(search.state ?? "") ? (search.state as (typeof TASK_STATES)[number]) : undefined;
  const page = await listTasks(principal, { state, cursor: search.cursor, limit: 50 });
  return (
    <>
      <PageHeader title="Tasks" description="Everything Sluice does in the cloud runs here, in order per object, retried with backoff. Platform admins see all; others the tasks of their apps, buckets and own role." />
      <FilterBar label="Filter tasks">
        <FilterSelect name="state" label="State" defaultValue={state ?? ""} options={[{ value: "", label: "any" }, ...TASK_STATES.map((s) => ({ value: s, label: s }))]} />
      </FilterBar>
      {page.items.length === 0 ? (
        <EmptyState title="No tasks" />
      ) : (
        <Card>
          <TaskTable tasks={page.items} showTarget label="Tasks" />
        </Card>
      )}
      <NextPageLink path="/tasks" search={{ state }} cursor={page.nextCursor} />
    </>
  );
}
