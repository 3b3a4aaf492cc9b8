"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { Dialog, DialogActions } from "@/components/ui/dialog";
import { Field, Input, Select, Textarea } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { submitWith } from "@/components/ui/form-submit";
import { useActionDialog } from "@/components/ui/use-action-dialog";
import { createScheduleAction, previewScheduleAction, updateScheduleAction } from "@/lib/engine/triggers/actions";
import type { Schedule } from "@/lib/engine/triggers/schema";
import type { WorkflowInput } from "@/lib/workflows/model";
import { inZone, parseObject, sampleInputs } from "./format";

const POLICIES = [
  { value: "allow", label: "Allow: start another run" },
  { value: "forbid", label: "Forbid: skip this slot" },
  { value: "replace", label: "Replace: cancel it, then start" },
] as const;

/** `datetime-local` text (the browser's zone) ⇄ an ISO instant. */
const toLocalInput = (iso: string | null) => (iso ? new Date(new Date(iso).getTime() - new Date(iso).getTimezoneOffset() * 60_000).toISOString().slice(0, 16) : "");
const toInstant = (local: FormDataEntryValue | null) => (local ? new Date(String(local)).toISOString() : null);

type Timing = { cron: string; timezone: string; startAt: string | null; endAt: string | null };

/** The next five slots of what is typed, from the server (the same rules as the schedule will follow). */
function usePreview(timing: Timing) {
  const [preview, setPreview] = useState<{ times?: string[]; error?: string }>({});
  const { cron, timezone, startAt, endAt } = timing;
  useEffect(() => {
    if (!cron.trim()) return setPreview({});
    let current = true;
    const timer = setTimeout(async () => {
      const outcome = await previewScheduleAction({ cron, timezone: timezone || undefined, startAt: startAt ?? undefined, endAt: endAt ?? undefined });
      if (!current) return;
      setPreview(outcome.ok ? { times: outcome.data.nextFireTimes } : { error: Object.values(outcome.fieldErrors).join("; ") || outcome.message });
    }, 300);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [cron, timezone, startAt, endAt]);
  return preview;
}

/** Creates a schedule, or edits one; the next five fire times follow the cron, zone and dates as they are typed. */
export function ScheduleDialog({
  open,
  onOpenChange,
  workspaceId,
  workflow,
  inputs,
  editing,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  workspaceId: string;
  workflow: string;
  inputs: readonly WorkflowInput[];
  editing?: Schedule;
}) {
  const router = useRouter();
  const { result, pending, openChange, run } = useActionDialog(onOpenChange);
  const [inputsError, setInputsError] = useState<string>();
  const [timing, setTiming] = useState<Timing>({ cron: editing?.cron ?? "0 9 * * 1-5", timezone: editing?.timezone ?? "UTC", startAt: editing?.startAt ?? null, endAt: editing?.endAt ?? null });
  const preview = usePreview(timing);
  const errors = result && !result.ok ? result.fieldErrors : {};
  const inputErrors = Object.entries(errors).filter(([path]) => path.startsWith("inputs"));

  function submit(form: FormData) {
    setInputsError(undefined);
    const values = parseObject(String(form.get("inputs") ?? ""), (message) => setInputsError(`Inputs ${message}.`));
    if (!values) return;
    const version = String(form.get("version") ?? "").trim();
    const settings = {
      name: String(form.get("name") ?? ""),
      cron: timing.cron,
      timezone: timing.timezone,
      inputs: values,
      version: version ? Number(version) : null,
      overlapPolicy: String(form.get("overlapPolicy")) as Schedule["overlapPolicy"],
      startAt: timing.startAt,
      endAt: timing.endAt,
    };
    const ref = { workspaceId, workflow };
    run(
      () => (editing ? updateScheduleAction({ ...ref, scheduleId: editing.id, ...settings }) : createScheduleAction({ ...ref, ...settings })),
      () => {
        openChange(false);
        router.refresh();
      },
    );
  }

  return (
    <Dialog open={open} onOpenChange={openChange} title={editing ? `Edit schedule ${editing.name}` : "New schedule"} description="Runs this workflow at the times of a cron expression, in a time zone.">
      <form onSubmit={submitWith(submit)} className="max-h-[75vh] space-y-3 overflow-y-auto pr-1" data-testid="schedule-form">
        <FormError result={result} />
        <Field id="schedule-name" label="Name" error={errors.name} hint="Lower-case letters, digits and '-'.">
          <Input id="schedule-name" name="name" required defaultValue={editing?.name} autoFocus aria-invalid={Boolean(errors.name)} />
        </Field>
        <div className="grid grid-cols-2 gap-3">
          <Field id="schedule-cron" label="Cron" error={errors.cron} hint="minute hour day month weekday, or @daily">
            <Input id="schedule-cron" className="font-mono" value={timing.cron} onChange={(e) => setTiming({ ...timing, cron: e.target.value })} required aria-invalid={Boolean(errors.cron)} />
          </Field>
          <Field id="schedule-timezone" label="Time zone" error={errors.timezone} hint="IANA, e.g. Europe/Berlin">
            <Input id="schedule-timezone" value={timing.timezone} onChange={(e) => setTiming({ ...timing, timezone: e.target.value })} required aria-invalid={Boolean(errors.timezone)} />
          </Field>
        </div>
        <div className="rounded-md bg-muted px-3 py-2 text-sm" aria-live="polite" data-testid="schedule-preview">
          {preview.error ? (
            <span className="text-danger">{preview.error}</span>
          ) : preview.times ? (
            preview.times.length === 0 ? (
              "It would not fire again."
            ) : (
              <>
                <span className="text-xs text-fg-muted">Next fire times ({timing.timezone})</span>
                <ol className="font-mono text-xs">
                  {preview.times.map((time) => (
                    <li key={time}>{inZone(time, timing.timezone)}</li>
                  ))}
                </ol>
              </>
            )
          ) : (
            <span className="text-fg-muted">Type a cron expression to see when it fires.</span>
          )}
        </div>
        <Field
          id="schedule-inputs"
          label="Inputs (JSON)"
          error={inputsError ?? (inputErrors.length > 0 ? inputErrors.map(([path, message]) => `${path}: ${message}`).join("; ") : undefined)}
          hint={inputs.length > 0 ? `The workflow takes ${inputs.map((i) => i.name).join(", ")}.` : "The workflow takes no inputs."}
        >
          <Textarea id="schedule-inputs" name="inputs" rows={4} className="font-mono" defaultValue={JSON.stringify(editing?.inputs ?? sampleInputs(inputs), null, 2)} />
        </Field>
        <div className="grid grid-cols-2 gap-3">
          <Field id="schedule-version" label="Version" error={errors.version} hint="Empty: the latest at each firing">
            <Input id="schedule-version" name="version" type="number" min={1} defaultValue={editing?.version ?? ""} />
          </Field>
          <Field id="schedule-overlap" label="If the last run still runs">
            <Select id="schedule-overlap" name="overlapPolicy" defaultValue={editing?.overlapPolicy ?? "allow"}>
              {POLICIES.map((policy) => (
                <option key={policy.value} value={policy.value}>
                  {policy.label}
                </option>
              ))}
            </Select>
          </Field>
        </div>
        <div className="grid grid-cols-2 gap-3">
          <Field id="schedule-start" label="Not before (optional)" error={errors.startAt}>
            <Input id="schedule-start" type="datetime-local" defaultValue={toLocalInput(timing.startAt)} onChange={(e) => setTiming({ ...timing, startAt: toInstant(e.target.value) })} />
          </Field>
          <Field id="schedule-end" label="Not after (optional)" error={errors.endAt}>
            <Input id="schedule-end" type="datetime-local" defaultValue={toLocalInput(timing.endAt)} onChange={(e) => setTiming({ ...timing, endAt: toInstant(e.target.value) })} />
          </Field>
        </div>
        <DialogActions onCancel={() => openChange(false)} pending={pending} submitLabel={editing ? "Save schedule" : "Create schedule"} pendingLabel="Saving…" />
      </form>
    </Dialog>
  );
}
