import type { ReactNode } from "react";
import { Button } from "./button";
import { Input, Select } from "./field";

/** A GET form of filters above a list; the page reads them back from the URL. */
export function FilterBar({ label, children, extra }: { label: string; children: ReactNode; extra?: ReactNode }) {
  return (
    <form className="mb-4 flex flex-wrap items-end gap-2" role="search" aria-label={label}>
      {children}
      <Button type="submit" variant="secondary">
        Filter
      </Button>
      {extra}
    </form>
  );
}

type FilterProps = { name: string; label: string; defaultValue?: string; className?: string };

export function FilterInput({ name, label, defaultValue, className = "w-48", placeholder, type }: FilterProps & { placeholder?: string; type?: string }) {
  return (
    <div>
      <label htmlFor={`filter-${name}`} className="block text-xs text-fg-muted">
        {label}
      </label>
      <Input id={`filter-${name}`} name={name} type={type} defaultValue={defaultValue} placeholder={placeholder} className={className} />
    </div>
  );
}

export function FilterSelect({ name, label, defaultValue, className = "w-40", options }: FilterProps & { options: { value: string; label: string }[] }) {
  return (
    <div>
      <label htmlFor={`filter-${name}`} className="block text-xs text-fg-muted">
        {label}
      </label>
      <Select id={`filter-${name}`} name={name} defaultValue={defaultValue} className={className}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </Select>
    </div>
  );
}
