import { Field, Input, Select, Textarea } from "@/components/ui/field";
import type { Confidentiality } from "@/lib/storage/schema";

type Props = {
  /** "org" or "space": prefixes the fields' ids */
  kind: string;
  /** shown only when creating: the name cannot change (roles name it) */
  creating: boolean;
  nameHint: string;
  confidentialityHint: string;
  current?: { description: string; confidentiality: Confidentiality };
  confidentialities: readonly Confidentiality[];
  errors: Record<string, string>;
};

/** Name (when creating), description and confidentiality: what organizations and spaces share. */
export function StorageFields({ kind, creating, nameHint, confidentialityHint, current, confidentialities, errors }: Props) {
  return (
    <>
      {creating && (
        <Field id={`${kind}-name`} label="Name" hint={nameHint} error={errors.name}>
          <Input id={`${kind}-name`} name="name" required autoFocus aria-invalid={Boolean(errors.name)} />
        </Field>
      )}
      <Field id={`${kind}-description`} label="Description" error={errors.description}>
        <Textarea id={`${kind}-description`} name="description" rows={2} defaultValue={current?.description} />
      </Field>
      <Field id={`${kind}-confidentiality`} label="Confidentiality" hint={confidentialityHint} error={errors.confidentiality}>
        <Select id={`${kind}-confidentiality`} name="confidentiality" defaultValue={current?.confidentiality ?? "internal"}>
          {confidentialities.map((c) => (
            <option key={c}>{c}</option>
          ))}
        </Select>
      </Field>
    </>
  );
}
