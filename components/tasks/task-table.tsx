"use client";

import { RotateCw } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { formatTime } from "@/components/runs/format";
import { StateBadge } from "@/components/runs/state-style";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/form-error";
import { ActionsTh, Table, Td, Th } from "@/components/ui/table";
import type { ActionResult } from "@/lib/actions/action";
import { TASK } from "@/lib/apps/task-kinds";
import { SECRET_TASK } from "@/lib/secrets/task-kinds";
import { retryTaskAction } from "@/lib/tasks/actions";
import type { Task } from "@/lib/tasks/schema";
import { AutoRefresh } from "./auto-refresh";

const KIND_LABEL: Record<string, string> = {
  [TASK.createAppRole]: "Create the app's IAM role",
  [TASK.deleteApp]: "Delete the app's cloud resources",
  [TASK.createUserRole]: "Create the user's IAM role",
  [TASK.syncGrant]: "Write the bucket policy",
  [TASK.putParameter]: "Write a parameter",
  [TASK.deleteParameter]: "Delete a parameter",
  [SECRET_TASK.write]: "Write a secret to AWS Secrets Manager",
  [SECRET_TASK.delete]: "Delete a secret from AWS Secrets Manager",
};

const TARGET_PAGE: Record<string, (id: string) => string> = { app: (id) => `/apps/${id}`, user: (id) => `/users#user-${id}` };

/**
 * Background tasks with their state, progress, attempts and the provider's error; failed ones can be
 * retried. The page refreshes itself while any is queued or running.
 */
export function TaskTable({ tasks, showTarget = false, label = "Tasks" }: { tasks: Task[]; showTarget?: boolean; label?: string }) {
  const router = useRouter();
  const [result, setResult] = useState<ActionResult<unknown>>();
  const [pending, startTransition] = useTransition();
  const retry = (task: Task) =>
    startTransition(async () => {
      const outcome = await retryTaskAction({ id: task.id });
      setResult(outcome);
      if (outcome.ok) router.refresh();
    });
  const active = tasks.some((task) => task.state === "queued" || task.state === "running");

  return (
    <>
      <AutoRefresh active={active} />
      <FormError result={result} />
      <Table aria-label={label}>
        <thead>
          <tr>
            <Th>Task</Th>
            {showTarget && <Th>Object</Th>}
            <Th>State</Th>
            <Th>Progress</Th>
            <Th>Attempts</Th>
            <Th>Queued</Th>
            <ActionsTh />
          </tr>
        </thead>
        <tbody>
          {tasks.map((task) => (
            <tr key={task.id} data-task-kind={task.kind} data-task-state={task.state}>
              <Td>
                <div className="font-medium">{KIND_LABEL[task.kind] ?? task.kind}</div>
                <div className="text-xs text-fg-muted">
                  <code>{task.kind}</code> by {task.createdBy}
                </div>
              </Td>
              {showTarget && (
                <Td className="text-xs">
                  {TARGET_PAGE[task.target.type] ? <Link href={TARGET_PAGE[task.target.type](task.target.id)}>{task.target.type}</Link> : task.target.type} <code>{task.target.id.slice(0, 8)}</code>
                </Td>
              )}
              <Td>
                <StateBadge state={task.state} />
              </Td>
              <Td className="min-w-48">
                <div className="h-1.5 w-full rounded bg-muted" role="progressbar" aria-valuenow={task.progress} aria-valuemin={0} aria-valuemax={100} aria-label="Progress">
                  <div className={task.state === "failed" ? "h-1.5 rounded bg-danger" : "h-1.5 rounded bg-accent"} style={{ width: `${task.progress}%` }} />
                </div>
                <div className="mt-1 text-xs text-fg-muted">{task.progressMessage || `${task.progress}%`}</div>
                {task.error && (
                  <p className="mt-1 break-words text-xs text-danger" data-testid="task-error">
                    {task.error}
                  </p>
                )}
              </Td>
              <Td className="text-xs">
                {task.attempts} / {task.maxAttempts}
              </Td>
              <Td className="whitespace-nowrap text-xs text-fg-muted">{formatTime(task.createdAt)}</Td>
              <Td>
                {task.state === "failed" && (
                  <Button size="sm" variant="secondary" disabled={pending} onClick={() => retry(task)}>
                    <RotateCw size={14} aria-hidden /> Retry
                  </Button>
                )}
              </Td>
            </tr>
          ))}
        </tbody>
      </Table>
    </>
  );
}
