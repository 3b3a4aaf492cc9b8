"use client";

import { useRouter } from "next/navigation";
import { Dialog, DialogActions } from "@/components/ui/dialog";
import { Field, Input, Select, Textarea } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { submitWith } from "@/components/ui/form-submit";
import { useActionDialog } from "@/components/ui/use-action-dialog";
import { startRunAction } from "@/lib/engine/runs/actions";
import type { WorkflowInput } from "@/lib/workflows/model";

/** What the start form is generated from. */
export type StartForm = { version: number; inputs: readonly WorkflowInput[]; secretNames: readonly string[] };

const fieldId = (index: number) => `run-input-${index}`;

/** A form field's text for a default value (JSON inputs show it as JSON). */
function defaultText(input: WorkflowInput): string | undefined {
  if (input.default === undefined || input.default === null) return undefined;
  return typeof input.default === "string" ? input.default : JSON.stringify(input.default, null, input.type === "json" ? 2 : undefined);
}

/**
 * The start form of a workflow version, generated from its inputs (typed fields); the runs service
 * validates the values and its field errors are shown at their fields. A started run opens its page.
 */
export function StartRunDialog({ open, onOpenChange, workspaceId, workflow, form, note }: { open: boolean; onOpenChange: (open: boolean) => void; workspaceId: string; workflow: string; form: StartForm; note?: string }) {
  const router = useRouter();
  const { result, pending, openChange, run } = useActionDialog(onOpenChange);
  const errors = result && !result.ok ? result.fieldErrors : {};
  const problems = result && !result.ok && Array.isArray(result.details?.problems) ? (result.details.problems as { message: string }[]) : [];

  function submit(data: FormData) {
    const inputs: Record<string, unknown> = {};
    form.inputs.forEach((input, i) => {
      inputs[input.name] = input.type === "boolean" ? data.get(fieldId(i)) === "on" : String(data.get(fieldId(i)) ?? "");
    });
    run(
      () => startRunAction({ workspaceId, workflow, version: form.version, inputs }),
      (started) => router.push(`/workspaces/${workspaceId}/runs/${started.id}`),
    );
  }

  return (
    <Dialog
      open={open}
      onOpenChange={openChange}
      title={`Run ${workflow}`}
      description={`Starts version ${form.version}${form.inputs.length === 0 ? "; it takes no inputs." : " with these inputs."}`}
    >
      <form onSubmit={submitWith(submit)} className="space-y-4" data-testid="start-run-form">
        {note && <p className="rounded-md bg-warn/10 px-3 py-2 text-sm text-warn">{note}</p>}
        <FormError result={result} />
        {problems.length > 0 && (
          <ul className="list-disc space-y-0.5 pl-5 text-sm text-danger">
            {problems.map((problem, i) => (
              <li key={i}>{problem.message}</li>
            ))}
          </ul>
        )}
        <div className="max-h-[55vh] space-y-4 overflow-y-auto">
          {form.inputs.map((input, i) => (
            <InputField key={input.name} id={fieldId(i)} input={input} secretNames={form.secretNames} error={errors[`inputs.${input.name}`]} />
          ))}
        </div>
        <DialogActions onCancel={() => openChange(false)} pending={pending} submitLabel="Start run" pendingLabel="Starting…" />
      </form>
    </Dialog>
  );
}

function InputField({ id, input, secretNames, error }: { id: string; input: WorkflowInput; secretNames: readonly string[]; error?: string }) {
  const required = input.required && input.default === undefined;
  const label = `${input.name}${required ? " (required)" : ""}`;
  const hint = [input.description, input.type === "json" ? "JSON" : input.type === "secret" ? "the name of a secret of this workspace; its value is never shown" : undefined].filter(Boolean).join(" · ") || undefined;
  const described = { "aria-invalid": Boolean(error), "aria-required": required, "aria-describedby": error ? `${id}-error` : hint ? `${id}-hint` : undefined };
  return (
    <Field id={id} label={label} hint={hint} error={error}>
      {input.type === "boolean" ? (
        <input id={id} name={id} type="checkbox" className="block h-4 w-4" defaultChecked={input.default === true} {...described} />
      ) : input.type === "json" ? (
        <Textarea id={id} name={id} rows={4} className="font-mono" defaultValue={defaultText(input)} {...described} />
      ) : input.type === "secret" ? (
        <Select id={id} name={id} defaultValue={defaultText(input) ?? ""} {...described}>
          <option value="">{secretNames.length === 0 ? "No secrets in this workspace" : "Choose a secret"}</option>
          {secretNames.map((secret) => (
            <option key={secret} value={secret}>
              {secret}
            </option>
          ))}
        </Select>
      ) : (
        <Input id={id} name={id} type={input.type === "number" ? "number" : "text"} step={input.type === "number" ? "any" : undefined} defaultValue={defaultText(input)} {...described} />
      )}
    </Field>
  );
}
