import { Card, CardHeader } from "@/components/ui/card";
import type { Task } from "@/lib/tasks/schema";
import { TaskTable } from "./task-table";

/** An object's tasks that have not succeeded yet: what Sluice is still doing (or failed to do) in the cloud for it. */
export function PendingTasks({ tasks }: { tasks: Task[] }) {
  return (
    <Card>
      <CardHeader title="Pending tasks" description="Cloud changes still queued or running, and those that failed (with the provider's error)." />
      {tasks.length === 0 ? <p className="px-4 py-3 text-sm text-fg-muted">None: every change has been made.</p> : <TaskTable tasks={tasks} label="Pending tasks" />}
    </Card>
  );
}
