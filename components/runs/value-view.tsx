import { isSecretRef } from "@/lib/engine/local/values";

/** Secret references (`{ $secret: name }`) as "secret <name>": the UI never has a secret's value. */
function withoutSecrets(value: unknown): unknown {
  if (isSecretRef(value)) return `secret ${value.$secret}`;
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withoutSecrets(item)]));
  return value;
}

/** One value of a run: text as it is, a secret as its name, anything else as JSON. */
export function ValueView({ value, secret }: { value: unknown; secret?: boolean }) {
  if (secret || isSecretRef(value)) {
    const name = isSecretRef(value) ? value.$secret : String(value);
    return (
      <span className="text-xs">
        <span className="rounded bg-muted px-1 text-fg-muted">secret</span> <code>{name}</code>
      </span>
    );
  }
  const text = typeof value === "string" ? value : JSON.stringify(withoutSecrets(value), null, 2);
  return <pre className="max-h-48 overflow-auto whitespace-pre-wrap break-all font-mono text-xs">{text}</pre>;
}

/** Named values (inputs or outputs) as a definition list; `secrets` names those that hold a secret's name. */
export function ValuesList({ values, empty, secrets, label }: { values: Record<string, unknown> | null; empty: string; secrets?: ReadonlySet<string>; label: string }) {
  const entries = Object.entries(values ?? {});
  if (entries.length === 0) return <p className="text-xs text-fg-muted">{empty}</p>;
  return (
    <dl aria-label={label} className="space-y-1.5">
      {entries.map(([name, value]) => (
        <div key={name} className="grid grid-cols-[minmax(0,8rem)_minmax(0,1fr)] gap-2">
          <dt className="truncate font-mono text-xs text-fg-muted" title={name}>
            {name}
          </dt>
          <dd className="min-w-0">
            <ValueView value={value} secret={secrets?.has(name)} />
          </dd>
        </div>
      ))}
    </dl>
  );
}
