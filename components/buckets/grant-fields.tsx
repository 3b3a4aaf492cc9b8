import { Field, Select, Textarea } from "@/components/ui/field";
import type { GrantLevel } from "@/lib/buckets/policy-document";

const LEVEL_HINT = "readonly: list and read objects; readwrite: also put and delete; admin: also the bucket's own settings (whole bucket only).";

/** The level and path prefixes of a grant, shared by the grant dialogs of apps and buckets. */
export function GrantFields({ idPrefix, levels, errors }: { idPrefix: string; levels: readonly GrantLevel[]; errors: Record<string, string> }) {
  return (
    <>
      <Field id={`${idPrefix}-level`} label="Access" hint={LEVEL_HINT} error={errors.level}>
        <Select id={`${idPrefix}-level`} name="level" defaultValue="readonly">
          {levels.map((level) => (
            <option key={level} value={level}>
              {level}
            </option>
          ))}
        </Select>
      </Field>
      <Field id={`${idPrefix}-prefixes`} label="Limit to path prefixes (optional)" hint="One per line, e.g. raw/2024/. Empty: the whole bucket." error={errors.prefixes ?? errors["prefixes.0"]}>
        <Textarea id={`${idPrefix}-prefixes`} name="prefixes" rows={2} placeholder="raw/2024/" />
      </Field>
    </>
  );
}

/** The level and prefixes a grant form holds. */
export function grantFromForm(form: FormData) {
  return {
    level: String(form.get("level")) as GrantLevel,
    prefixes: String(form.get("prefixes") ?? "")
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean),
  };
}
