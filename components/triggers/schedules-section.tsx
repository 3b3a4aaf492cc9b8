"use client";

import { CalendarClock, Pause, Pencil, Play } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { runPage } from "@/components/runs/api";
import { formatTime } from "@/components/runs/format";
import { Button } from "@/components/ui/button";
import { Badge } from "@/components/ui/card";
import { DeleteButton } from "@/components/ui/delete-button";
import { ActionsTh, Table, Td, Th } from "@/components/ui/table";
import { deleteScheduleAction, pauseScheduleAction, resumeScheduleAction } from "@/lib/engine/triggers/actions";
import type { Schedule } from "@/lib/engine/triggers/schema";
import type { WorkflowInput } from "@/lib/workflows/model";
import { inZone } from "./format";
import { ScheduleDialog } from "./schedule-dialog";
import { TriggerCard } from "./trigger-card";
import { useRowAction } from "./use-row-action";

const POLICY: Record<Schedule["overlapPolicy"], string> = { allow: "overlap allowed", forbid: "skips while running", replace: "replaces the running one" };

/** The workflow's schedules with their next five fire times; editors create, edit, pause, resume and delete them. */
export function SchedulesSection({ workspaceId, workflow, schedules, inputs, mayManage }: { workspaceId: string; workflow: string; schedules: Schedule[]; inputs: readonly WorkflowInput[]; mayManage: boolean }) {
  const [dialog, setDialog] = useState<{ editing?: Schedule }>();
  const row = useRowAction();

  return (
    <>
      <TriggerCard
        icon={<CalendarClock size={16} aria-hidden />}
        title="Schedules"
        description="Cron in a time zone. Each slot fires once; after downtime only the most recent missed slot fires."
        newLabel="New schedule"
        onNew={() => setDialog({})}
        mayManage={mayManage}
        result={row.result}
        empty={schedules.length === 0 ? { title: "No schedules", hint: "Add one to run this workflow at set times." } : undefined}
      >
        <Table aria-label="Schedules">
          <thead>
            <tr>
              <Th>Name</Th>
              <Th>When</Th>
              <Th>Next fire times</Th>
              <Th>Last</Th>
              <ActionsTh />
            </tr>
          </thead>
          <tbody>
            {schedules.map((s) => {
              const ref = { workspaceId, workflow, scheduleId: s.id };
              return (
                <tr key={s.id} id={`schedule-${s.id}`} data-testid={`schedule-${s.name}`} className="target:bg-accent/5">
                  <Td className="font-medium">
                    {s.name} {s.paused && <Badge tone="warn">paused</Badge>}
                    <div className="text-xs font-normal text-fg-muted">{s.version ? `version ${s.version}` : "latest version"} · {POLICY[s.overlapPolicy]}</div>
                  </Td>
                  <Td>
                    <code className="text-xs">{s.cron}</code>
                    <div className="text-xs text-fg-muted">{s.timezone}</div>
                  </Td>
                  <Td>
                    {s.nextFireTimes.length === 0 ? (
                      <span className="text-xs text-fg-muted">{s.paused ? "none while paused" : "none: past its end"}</span>
                    ) : (
                      <ol className="font-mono text-xs" data-testid="next-fire-times">
                        {s.nextFireTimes.map((time) => (
                          <li key={time} title={`${formatTime(time)} UTC`}>
                            {inZone(time, s.timezone)}
                          </li>
                        ))}
                      </ol>
                    )}
                  </Td>
                  <Td className="text-xs">
                    {s.lastRunId ? (
                      <Link href={runPage({ workspaceId, id: s.lastRunId })} className="text-accent hover:underline">
                        {s.lastSlotAt ? inZone(s.lastSlotAt, s.timezone) : "run"}
                      </Link>
                    ) : (
                      <span className="text-fg-muted">{s.lastSlotAt ? inZone(s.lastSlotAt, s.timezone) : "never"}</span>
                    )}
                    {s.lastError && (
                      <p className="mt-1 text-danger" role="note">
                        Started no run: {s.lastError}
                      </p>
                    )}
                  </Td>
                  <Td>
                    {mayManage && (
                      <div className="flex justify-end gap-1">
                        {s.paused ? (
                          <Button size="sm" variant="secondary" disabled={row.pending} onClick={() => row.run(() => resumeScheduleAction(ref))}>
                            <Play size={14} aria-hidden /> Resume
                          </Button>
                        ) : (
                          <Button size="sm" variant="secondary" disabled={row.pending} onClick={() => row.run(() => pauseScheduleAction(ref))}>
                            <Pause size={14} aria-hidden /> Pause
                          </Button>
                        )}
                        <Button size="sm" variant="ghost" aria-label={`Edit ${s.name}`} onClick={() => setDialog({ editing: s })}>
                          <Pencil size={14} aria-hidden />
                        </Button>
                        <DeleteButton label={`Delete ${s.name}`} disabled={row.pending} confirm={`Delete the schedule ${s.name}? Its runs stay.`} onDelete={() => row.run(() => deleteScheduleAction(ref))} />
                      </div>
                    )}
                  </Td>
                </tr>
              );
            })}
          </tbody>
        </Table>
      </TriggerCard>
      {dialog && (
        <ScheduleDialog open onOpenChange={(open) => !open && setDialog(undefined)} workspaceId={workspaceId} workflow={workflow} inputs={inputs} editing={dialog.editing} key={dialog.editing?.id ?? "new"} />
      )}
    </>
  );
}
