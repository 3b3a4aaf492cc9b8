"use client";

import { CheckboxField, NumberField, Section, SelectField, TextField } from "./controls";
import type { StepEditor } from "./use-step-edit";
import { ValueSourceEditor } from "./value-source";

const RETRY_ON = ["Always", "OnFailure", "OnError", "OnTransientError"] as const;

export function ExecutionSection({ editor }: { editor: StepEditor }) {
  const { step, graph, set, errors, id } = editor;
  const { map, retry } = step;
  return (
    <Section title="Execution">
      <TextField
        id={id(["when"])}
        label="Run when"
        mono
        placeholder="{{inputs.env}} == prod"
        hint="A condition; the step is skipped when it is false. Empty: always run."
        value={step.when ?? ""}
        errors={errors(["when"])}
        onChange={(v) => set(["when"], v === "" ? undefined : v)}
      />
      <TextField id={id(["timeout"])} label="Timeout" mono placeholder="30s, 5m, 2h" value={step.timeout ?? ""} errors={errors(["timeout"])} onChange={(v) => set(["timeout"], v === "" ? undefined : v)} />
      <CheckboxField id={id(["continueOnFailure"])} label="Continue the workflow when this step fails" checked={step.continueOnFailure} onChange={(v) => set(["continueOnFailure"], v)} />

      <fieldset className="space-y-2 rounded-md border border-border p-2">
        <legend className="px-1 text-xs font-medium text-fg-muted">Map</legend>
        <CheckboxField id={id(["map"])} label="Run once per item of a list" hint="Use {{item}} for the current item; outputs become JSON lists." checked={Boolean(map)} onChange={(on) => set(["map"], on ? { over: { from: "literal", value: [] } } : undefined)} />
        {map && (
          <>
            <ValueSourceEditor id={id(["map", "over"])} label="Over" type="json" value={map.over} graph={graph} stepName={step.name} errors={errors(["map", "over"])} onChange={(v) => set(["map", "over"], v ?? { from: "literal", value: [] })} />
            <NumberField id={id(["map", "parallelism"])} label="Parallelism" min={1} step={1} placeholder="unlimited" value={map.parallelism} errors={errors(["map", "parallelism"])} onChange={(v) => set(["map", "parallelism"], v)} />
          </>
        )}
      </fieldset>

      <fieldset className="space-y-2 rounded-md border border-border p-2">
        <legend className="px-1 text-xs font-medium text-fg-muted">Retry</legend>
        <CheckboxField id={id(["retry"])} label="Retry on failure" checked={Boolean(retry)} onChange={(on) => set(["retry"], on ? { limit: 3, on: "OnFailure" } : undefined)} />
        {retry && (
          <>
            <div className="grid grid-cols-2 gap-2">
              <NumberField id={id(["retry", "limit"])} label="Limit" min={0} step={1} value={retry.limit} errors={errors(["retry", "limit"])} onChange={(v) => set(["retry", "limit"], v ?? 0)} />
              <SelectField id={id(["retry", "on"])} label="On" value={retry.on} options={RETRY_ON} errors={errors(["retry", "on"])} onChange={(v) => set(["retry", "on"], v)} />
            </div>
            <CheckboxField id={id(["retry", "backoff"])} label="Back off between attempts" checked={Boolean(retry.backoff)} onChange={(on) => set(["retry", "backoff"], on ? { duration: "10s", factor: 2 } : undefined)} />
            {retry.backoff && (
              <div className="grid grid-cols-3 gap-2">
                <TextField id={id(["retry", "backoff", "duration"])} label="Duration" mono value={retry.backoff.duration} errors={errors(["retry", "backoff", "duration"])} onChange={(v) => set(["retry", "backoff", "duration"], v)} />
                <NumberField id={id(["retry", "backoff", "factor"])} label="Factor" min={1} step={0.5} value={retry.backoff.factor} errors={errors(["retry", "backoff", "factor"])} onChange={(v) => set(["retry", "backoff", "factor"], v)} />
                <TextField
                  id={id(["retry", "backoff", "maxDuration"])}
                  label="Max"
                  mono
                  placeholder="5m"
                  value={retry.backoff.maxDuration ?? ""}
                  errors={errors(["retry", "backoff", "maxDuration"])}
                  onChange={(v) => set(["retry", "backoff", "maxDuration"], v === "" ? undefined : v)}
                />
              </div>
            )}
          </>
        )}
      </fieldset>
    </Section>
  );
}
