"use client";

import { ChevronDown, Plus, Trash2 } from "lucide-react";
import { useEffect, useId, useState, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { Input, Select, Textarea } from "@/components/ui/field";
import { cn } from "@/lib/utils";

/** Inspector building blocks: compact labelled controls with inline problems. */

export function fieldDomId(scope: string, field: readonly (string | number)[]): string {
  return `insp-${scope}-${field.join("-")}`.replace(/[^a-zA-Z0-9_-]/g, "_");
}

export function Section({ title, children, defaultOpen = true, count, testId }: { title: string; children: ReactNode; defaultOpen?: boolean; count?: number; testId?: string }) {
  return (
    <details open={defaultOpen} className="group border-b border-border" data-testid={testId}>
      <summary className="flex cursor-pointer list-none items-center gap-1.5 px-3 py-2 text-sm font-semibold hover:bg-muted [&::-webkit-details-marker]:hidden">
        <ChevronDown size={14} aria-hidden className="-rotate-90 transition-transform group-open:rotate-0" />
        {title}
        {count !== undefined && count > 0 && <span className="text-xs font-normal text-fg-muted">({count})</span>}
      </summary>
      <div className="space-y-3 px-3 pb-3">{children}</div>
    </details>
  );
}

export function Errors({ id, messages }: { id: string; messages: readonly string[] }) {
  if (messages.length === 0) return null;
  return (
    <div id={`${id}-error`} className="space-y-0.5" data-testid="field-error">
      {messages.map((message, i) => (
        <p key={i} className="text-xs text-danger">
          {message}
        </p>
      ))}
    </div>
  );
}

type Labelled = { id: string; label: string; hint?: ReactNode; errors?: readonly string[]; className?: string };

export function Labelled({ id, label, hint, errors = [], className, children }: Labelled & { children: ReactNode }) {
  return (
    <div className={cn("space-y-1", className)}>
      <label htmlFor={id} className="block text-xs font-medium text-fg-muted">
        {label}
      </label>
      {children}
      {hint && errors.length === 0 && (
        <p id={`${id}-hint`} className="text-xs text-fg-muted">
          {hint}
        </p>
      )}
      <Errors id={id} messages={errors} />
    </div>
  );
}

function describedBy(id: string, errors: readonly string[], hint: unknown) {
  return errors.length > 0 ? `${id}-error` : hint ? `${id}-hint` : undefined;
}

export function TextField({
  id,
  label,
  hint,
  errors = [],
  value,
  onChange,
  placeholder,
  mono,
  multiline,
  rows,
  className,
}: Labelled & { value: string; onChange: (value: string) => void; placeholder?: string; mono?: boolean; multiline?: boolean; rows?: number }) {
  const common = {
    id,
    value,
    placeholder,
    "aria-invalid": errors.length > 0 || undefined,
    "aria-describedby": describedBy(id, errors, hint),
    className: cn("h-8 text-sm", mono && "font-mono", multiline && "h-auto"),
  };
  return (
    <Labelled id={id} label={label} hint={hint} errors={errors} className={className}>
      {multiline ? <Textarea {...common} rows={rows ?? 4} spellCheck={false} onChange={(e) => onChange(e.target.value)} /> : <Input {...common} onChange={(e) => onChange(e.target.value)} />}
    </Labelled>
  );
}

/** A text field that only commits on blur or Enter (for values such as names, where every keystroke would be an invalid state). */
export function CommitField({
  id,
  label,
  hint,
  value,
  validate,
  onCommit,
  errors = [],
  mono,
}: Labelled & { value: string; validate?: (draft: string) => string | undefined; onCommit: (value: string) => void; mono?: boolean }) {
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  const local = draft !== value ? validate?.(draft) : undefined;
  const all = local ? [local, ...errors] : errors;
  const commit = () => {
    if (draft === value) return;
    if (validate?.(draft)) return;
    onCommit(draft);
  };
  return (
    <Labelled id={id} label={label} hint={hint} errors={all}>
      <Input
        id={id}
        value={draft}
        className={cn("h-8 text-sm", mono && "font-mono")}
        aria-invalid={all.length > 0 || undefined}
        aria-describedby={describedBy(id, all, hint)}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === "Enter") commit();
          if (e.key === "Escape") setDraft(value);
        }}
      />
    </Labelled>
  );
}

export function SelectField<T extends string>({
  id,
  label,
  hint,
  errors = [],
  value,
  options,
  onChange,
  className,
}: Labelled & { value: T; options: readonly { value: T; label: string }[] | readonly T[]; onChange: (value: T) => void }) {
  const list = options.map((option) => (typeof option === "string" ? { value: option, label: option } : option));
  return (
    <Labelled id={id} label={label} hint={hint} errors={errors} className={className}>
      <Select id={id} value={value} className="h-8 py-0 text-sm" aria-invalid={errors.length > 0 || undefined} aria-describedby={describedBy(id, errors, hint)} onChange={(e) => onChange(e.target.value as T)}>
        {list.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </Select>
    </Labelled>
  );
}

export function NumberField({
  id,
  label,
  hint,
  errors = [],
  value,
  onChange,
  min,
  step,
  placeholder,
  className,
}: Labelled & { value: number | undefined; onChange: (value: number | undefined) => void; min?: number; step?: number; placeholder?: string }) {
  const [draft, setDraft] = useState(value === undefined ? "" : String(value));
  useEffect(() => setDraft((current) => (Number(current) === value && current.trim() !== "" ? current : value === undefined ? "" : String(value))), [value]);
  return (
    <Labelled id={id} label={label} hint={hint} errors={errors} className={className}>
      <Input
        id={id}
        type="number"
        value={draft}
        min={min}
        step={step}
        placeholder={placeholder}
        className="h-8 text-sm"
        aria-invalid={errors.length > 0 || undefined}
        aria-describedby={describedBy(id, errors, hint)}
        onChange={(e) => {
          setDraft(e.target.value);
          const text = e.target.value.trim();
          if (text === "") onChange(undefined);
          else if (Number.isFinite(Number(text))) onChange(Number(text));
        }}
      />
    </Labelled>
  );
}

export function CheckboxField({ id, label, checked, onChange, hint }: { id: string; label: string; checked: boolean; onChange: (checked: boolean) => void; hint?: ReactNode }) {
  return (
    <div>
      <label htmlFor={id} className="flex items-center gap-2 text-sm">
        <input id={id} type="checkbox" className="h-4 w-4 accent-[var(--accent)]" checked={checked} onChange={(e) => onChange(e.target.checked)} />
        {label}
      </label>
      {hint && <p className="ml-6 text-xs text-fg-muted">{hint}</p>}
    </div>
  );
}

export function AddButton({ children, onClick, testId }: { children: ReactNode; onClick: () => void; testId?: string }) {
  return (
    <Button variant="secondary" size="sm" onClick={onClick} data-testid={testId}>
      <Plus size={14} aria-hidden /> {children}
    </Button>
  );
}

export function RemoveButton({ label, onClick }: { label: string; onClick: () => void }) {
  return (
    <Button variant="ghost" size="icon" className="h-8 w-8 shrink-0 text-fg-muted hover:text-danger" aria-label={label} title={label} onClick={onClick}>
      <Trash2 size={14} aria-hidden />
    </Button>
  );
}

/** A list of strings (command, args), one row each. */
export function StringList({ id, label, values, onChange, placeholder, errorsAt }: { id: string; label: string; values: readonly string[]; onChange: (values: string[]) => void; placeholder?: string; errorsAt?: (index: number) => string[] }) {
  const groupId = useId();
  return (
    <fieldset className="space-y-1" aria-labelledby={groupId}>
      <legend id={groupId} className="text-xs font-medium text-fg-muted">
        {label}
      </legend>
      {values.map((value, i) => {
        const errors = errorsAt?.(i) ?? [];
        return (
          <div key={i}>
            <div className="flex items-center gap-1">
              <Input
                id={`${id}-${i}`}
                aria-label={`${label} ${i + 1}`}
                value={value}
                placeholder={placeholder}
                className="h-8 font-mono text-sm"
                aria-invalid={errors.length > 0 || undefined}
                onChange={(e) => onChange(values.map((v, j) => (j === i ? e.target.value : v)))}
              />
              <RemoveButton label={`Remove ${label.toLowerCase()} ${i + 1}`} onClick={() => onChange(values.filter((_, j) => j !== i))} />
            </div>
            <Errors id={`${id}-${i}`} messages={errors} />
          </div>
        );
      })}
      <AddButton onClick={() => onChange([...values, ""])}>Add {label.toLowerCase().replace(/s$/, "")}</AddButton>
    </fieldset>
  );
}
