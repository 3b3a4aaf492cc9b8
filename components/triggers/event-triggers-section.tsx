"use client";

import { Zap } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { runPage } from "@/components/runs/api";
import { formatTime } from "@/components/runs/format";
import { DeleteButton } from "@/components/ui/delete-button";
import { Dialog, DialogActions } from "@/components/ui/dialog";
import { Field, Input, Textarea } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { submitWith } from "@/components/ui/form-submit";
import { ActionsTh, Table, Td, Th } from "@/components/ui/table";
import { useActionDialog } from "@/components/ui/use-action-dialog";
import { createEventTriggerAction, deleteEventTriggerAction, updateEventTriggerAction } from "@/lib/engine/triggers/actions";
import type { EventTrigger } from "@/lib/engine/triggers/schema";
import type { WorkflowInput } from "@/lib/workflows/model";
import { parseObject } from "./format";
import { TriggerCard } from "./trigger-card";
import { useRowAction } from "./use-row-action";

const json = (value: unknown) => JSON.stringify(value);

/** Event bindings: events of a type whose payload matches the filter start this workflow, payload fields as inputs; each shows its latest deliveries. */
export function EventTriggersSection({ workspaceId, workflow, triggers, inputs, mayManage }: { workspaceId: string; workflow: string; triggers: EventTrigger[]; inputs: readonly WorkflowInput[]; mayManage: boolean }) {
  const router = useRouter();
  const [creating, setCreating] = useState(false);
  const [jsonErrors, setJsonErrors] = useState<Record<string, string>>({});
  const create = useActionDialog(setCreating);
  const row = useRowAction();
  const errors = { ...(create.result && !create.result.ok ? create.result.fieldErrors : {}), ...jsonErrors };
  const fieldError = (prefix: string) => Object.entries(errors).filter(([path]) => path === prefix || path.startsWith(`${prefix}.`)).map(([path, message]) => (path === prefix ? message : `${path}: ${message}`)).join("; ") || undefined;

  function submit(form: FormData) {
    const found: Record<string, string> = {};
    const filter = parseObject(String(form.get("filter") ?? ""), (message) => (found.filter = message));
    const mapping = parseObject(String(form.get("inputs") ?? ""), (message) => (found.inputs = message));
    setJsonErrors(found);
    if (!filter || !mapping) return;
    create.run(
      () => createEventTriggerAction({ workspaceId, workflow, eventType: String(form.get("eventType") ?? ""), filter, inputs: mapping as Record<string, string>, enabled: form.get("enabled") === "on" }),
      () => {
        setCreating(false);
        router.refresh();
      },
    );
  }

  return (
    <>
      <TriggerCard
        icon={<Zap size={16} aria-hidden />}
        title="Event triggers"
        description="Events Sluice announces (e.g. storage.commit) start this workflow when their payload matches."
        newLabel="New event trigger"
        onNew={() => (setJsonErrors({}), setCreating(true))}
        mayManage={mayManage}
        result={row.result}
        empty={triggers.length === 0 ? { title: "No event triggers", hint: "Bind an event type to run this workflow when it happens." } : undefined}
      >
        <Table aria-label="Event triggers">
          <thead>
            <tr>
              <Th>Event</Th>
              <Th>Inputs from the payload</Th>
              <Th>Latest deliveries</Th>
              <ActionsTh />
            </tr>
          </thead>
          <tbody>
            {triggers.map((t) => {
              const ref = { workspaceId, workflow, triggerId: t.id };
              return (
                <tr key={t.id} id={`event-${t.id}`} className={t.enabled ? "target:bg-accent/5" : "opacity-60 target:bg-accent/5"}>
                  <Td>
                    <code className="text-xs font-medium">{t.eventType}</code>
                    {Object.keys(t.filter).length > 0 && <div className="text-xs text-fg-muted">where {json(t.filter)}</div>}
                  </Td>
                  <Td className="text-xs">
                    {Object.entries(t.inputs).map(([input, path]) => (
                      <div key={input}>
                        <code>{input}</code> ← <code>{path}</code>
                      </div>
                    ))}
                    {Object.keys(t.inputs).length === 0 && <span className="text-fg-muted">none</span>}
                  </Td>
                  <Td className="text-xs">
                    {t.recentDeliveries.length === 0 && <span className="text-fg-muted">none yet</span>}
                    <ul>
                      {t.recentDeliveries.map((d) => (
                        <li key={d.deliveryId}>
                          {formatTime(d.at)} ·{" "}
                          {d.runId ? (
                            <Link href={runPage({ workspaceId, id: d.runId })} className="text-accent hover:underline">
                              run {d.runId.slice(0, 8)}
                            </Link>
                          ) : (
                            <span className="text-danger">{d.error}</span>
                          )}
                        </li>
                      ))}
                    </ul>
                  </Td>
                  <Td>
                    {mayManage && (
                      <div className="flex items-center justify-end gap-2">
                        <label className="flex items-center gap-1 text-xs">
                          <input type="checkbox" checked={t.enabled} disabled={row.pending} onChange={(e) => row.run(() => updateEventTriggerAction({ ...ref, enabled: e.target.checked }))} /> enabled
                        </label>
                        <DeleteButton label={`Delete the ${t.eventType} trigger`} disabled={row.pending} confirm={`Delete this ${t.eventType} trigger?`} onDelete={() => row.run(() => deleteEventTriggerAction(ref))} />
                      </div>
                    )}
                  </Td>
                </tr>
              );
            })}
          </tbody>
        </Table>
      </TriggerCard>

      <Dialog open={creating} onOpenChange={create.openChange} title="New event trigger">
        <form onSubmit={submitWith(submit)} className="space-y-4">
          <FormError result={create.result} />
          <Field id="event-type" label="Event type" error={errors.eventType} hint='e.g. "storage.commit"'>
            <Input id="event-type" name="eventType" required autoFocus className="font-mono" aria-invalid={Boolean(errors.eventType)} />
          </Field>
          <Field id="event-filter" label="Filter (JSON)" error={fieldError("filter")} hint='Payload fields that must have these values, e.g. {"commit.branch": "main"}'>
            <Textarea id="event-filter" name="filter" rows={2} className="font-mono" defaultValue="{}" />
          </Field>
          <Field id="event-inputs" label="Inputs (JSON)" error={fieldError("inputs")} hint={`Input name → payload field${inputs.length > 0 ? `; the workflow takes ${inputs.map((i) => i.name).join(", ")}` : ""}.`}>
            <Textarea id="event-inputs" name="inputs" rows={3} className="font-mono" defaultValue={JSON.stringify(Object.fromEntries(inputs.map((i) => [i.name, i.name])), null, 2)} />
          </Field>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="enabled" defaultChecked /> Enabled
          </label>
          <DialogActions onCancel={() => create.openChange(false)} pending={create.pending} submitLabel="Create event trigger" pendingLabel="Creating…" />
        </form>
      </Dialog>
    </>
  );
}
